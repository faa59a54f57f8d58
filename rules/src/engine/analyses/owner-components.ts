// Vue options-API components as owners, for the owners analysis. A component is an
// options object the framework instantiates once per mount and tears down on unmount:
//
//   export default { data() {…}, mounted() {…}, methods: {…}, beforeDestroy() {…} }
//   Vue.extend({…}) / mixins(a).extend({…}) / Vue.component("x", {…}) / defineComponent({…})
//
// Its `this` is the instance: the hooks (`mounted() {…}`), the `methods: {…}` entries and the
// watchers (`watch: { value() {…} }`) are its methods; `beforeDestroy` / `destroyed` /
// `beforeUnmount` / `unmounted` are its teardown, and `deactivated` is on that path (a kept-alive
// component is deactivated instead of destroyed). An object counts only when it has the shape:
// a lifecycle hook, and either a call the component APIs use or an options key beside it
// (`methods`, `data`, `computed`, `watch`, `props`), so a plain object with a `created()`
// method is not taken for one.
import ts from "typescript";
import { type FunctionNode, calleeMemberName, isFunctionNode, propertyNameText, walk } from "../core/ast";

/** Vue 2 and Vue 3 options-API lifecycle hooks. */
const LIFECYCLE_HOOKS = new Set([
  "beforeCreate", "created", "beforeMount", "mounted", "beforeUpdate", "updated", "activated", "deactivated",
  "beforeDestroy", "destroyed", "beforeUnmount", "unmounted",
]);
/**
 * The component's teardown hooks, in order of preference for fixes (Vue 3 names, then Vue 2). `deactivated`
 * (a kept-alive component) and vue-router's `beforeRouteLeave` (a route view the router leaves) are on the
 * teardown path, but fixes never pick them.
 */
export const COMPONENT_TEARDOWNS = ["beforeUnmount", "unmounted", "beforeDestroy", "destroyed", "deactivated", "beforeRouteLeave"];
const PATH_ONLY_TEARDOWNS = new Set(["deactivated", "beforeRouteLeave"]);
/** Hooks and option groups whose functions run again during the component's life. */
const REPEATING_HOOKS = new Set(["beforeUpdate", "updated", "activated", "deactivated"]);
const OPTION_KEYS = new Set(["methods", "data", "computed", "watch", "props"]);
/** Calls that take a component's options object: `Vue.extend(o)`, `defineComponent(o)`, `Vue.component(name, o)`. */
const COMPONENT_CALLS = new Set(["extend", "defineComponent", "component"]);

export interface ComponentShape {
  name: string;
  methods: Map<string, FunctionNode>;
  /** Watchers and update hooks: they run again and again while the component lives. */
  repeating: Set<FunctionNode>;
  teardown?: { name: string; fn: FunctionNode };
}

/** A component lifecycle hook named as a method or property: `mounted() {`, `beforeDestroy: function`. */
const COMPONENT_HOOK_HINT = /\b(?:created|beforeMount|mounted|activated|beforeDestroy|destroyed|beforeUnmount|unmounted|setup)\s*[(:]/;

/**
 * The options-API components of a file. They are object literals, which the linter's declaration
 * index does not hold, so the file is walked for them only when it names a lifecycle hook.
 */
export function componentsIn(sourceFile: ts.SourceFile): Array<ComponentShape & { kind: "component"; node: ts.ObjectLiteralExpression }> {
  if (!COMPONENT_HOOK_HINT.test(sourceFile.text)) return [];
  const found: Array<ComponentShape & { kind: "component"; node: ts.ObjectLiteralExpression }> = [];
  walk(sourceFile, (node) => {
    if (!ts.isObjectLiteralExpression(node)) return undefined;
    const component = componentShape(node);
    if (component) found.push({ kind: "component", node, ...component });
    return undefined;
  });
  return found;
}

/** The component an options object literal defines, or undefined when it is not one. */
export function componentShape(object: ts.ObjectLiteralExpression): ComponentShape | undefined {
  const keys = new Map<string, ts.ObjectLiteralElementLike>();
  for (const property of object.properties) {
    const key = property.name ? propertyNameText(property.name) : undefined;
    if (key !== undefined) keys.set(key, property);
  }
  if (![...keys.keys()].some((key) => LIFECYCLE_HOOKS.has(key) && functionOf(keys.get(key)!) !== undefined)) return undefined;
  if (!isComponentCallArgument(object) && ![...keys.keys()].some((key) => OPTION_KEYS.has(key))) return undefined;
  const methods = new Map<string, FunctionNode>();
  const repeating = new Set<FunctionNode>();
  for (const [key, property] of keys) {
    const fn = functionOf(property);
    if (fn) {
      methods.set(key, fn);
      if (REPEATING_HOOKS.has(key)) repeating.add(fn);
    }
  }
  for (const [key, property] of nestedEntries(keys.get("methods"))) {
    const fn = functionOf(property);
    if (fn && !methods.has(key)) methods.set(key, fn);
  }
  // `watch: { value(v) {…}, other: { handler() {…}, deep: true } }`
  for (const [key, property] of nestedEntries(keys.get("watch"))) {
    const fn = functionOf(property) ?? handlerOf(property);
    if (!fn) continue;
    repeating.add(fn);
    if (!methods.has(key)) methods.set(key, fn);
  }
  const teardownName = COMPONENT_TEARDOWNS.find((name) => !PATH_ONLY_TEARDOWNS.has(name) && methods.has(name));
  const name = componentName(object, keys.get("name"));
  return { name, methods, repeating, teardown: teardownName ? { name: teardownName, fn: methods.get(teardownName)! } : undefined };
}

/** `o` in `Vue.extend(o)`, `defineComponent(o)`, `Vue.component("x", o)`, `genericComponent()(o)`. */
function isComponentCallArgument(object: ts.ObjectLiteralExpression): boolean {
  const call = object.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(object)) return false;
  // `genericComponent<Slots>()({…})`: a factory call that returns defineComponent.
  if (ts.isCallExpression(call.expression)) return /Component$/.test(calleeMemberName(call.expression) ?? "");
  return COMPONENT_CALLS.has(calleeMemberName(call) ?? "");
}

function nestedEntries(property: ts.ObjectLiteralElementLike | undefined): Array<[string, ts.ObjectLiteralElementLike]> {
  if (!property || !ts.isPropertyAssignment(property) || !ts.isObjectLiteralExpression(property.initializer)) return [];
  const result: Array<[string, ts.ObjectLiteralElementLike]> = [];
  for (const entry of property.initializer.properties) {
    const key = entry.name ? propertyNameText(entry.name) : undefined;
    if (key !== undefined) result.push([key, entry]);
  }
  return result;
}

function functionOf(property: ts.ObjectLiteralElementLike): FunctionNode | undefined {
  if (ts.isMethodDeclaration(property) && property.body) return property;
  if (ts.isPropertyAssignment(property) && isFunctionNode(property.initializer)) return property.initializer;
  return undefined;
}

/** `{ handler() {…}, immediate: true }` */
function handlerOf(property: ts.ObjectLiteralElementLike): FunctionNode | undefined {
  if (!ts.isPropertyAssignment(property) || !ts.isObjectLiteralExpression(property.initializer)) return undefined;
  const handler = property.initializer.properties.find((p) => p.name !== undefined && propertyNameText(p.name) === "handler");
  return handler ? functionOf(handler) : undefined;
}

function componentName(object: ts.ObjectLiteralExpression, nameProperty: ts.ObjectLiteralElementLike | undefined): string {
  if (nameProperty && ts.isPropertyAssignment(nameProperty) && ts.isStringLiteralLike(nameProperty.initializer)) return nameProperty.initializer.text;
  const holder = ts.isCallExpression(object.parent) ? object.parent.parent : object.parent;
  if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) return holder.name.text;
  // `export default {…}` in `Carousel.vue`: the component is named after its file.
  const file = /([^/\\]+?)(\.\w+)?$/.exec(object.getSourceFile().fileName)?.[1];
  return ts.isExportAssignment(holder) && file && file !== "index" ? file : "(component)";
}

/**
 * `setup() {…}` of a component's options object (`defineComponent({ setup })`,
 * `genericComponent()({ setup })`, `export default { setup }`): it runs once per instance, and
 * what it starts belongs to the instance — `onBeforeUnmount` / `onUnmounted` / `onScopeDispose`
 * there are its teardown, as in a composable.
 */
export function isComponentSetup(fn: FunctionNode): boolean {
  const property = ts.isMethodDeclaration(fn) ? fn : fn.parent;
  if (!(ts.isMethodDeclaration(property) || ts.isPropertyAssignment(property)) || propertyNameText(property.name) !== "setup") return false;
  const object = property.parent;
  return ts.isObjectLiteralExpression(object) && (isComponentCallArgument(object) || ts.isExportAssignment(object.parent));
}

/**
 * The hook to add when a component has no teardown: `beforeUnmount` when the options object
 * shows Vue 3 (`emits`, `setup`, another Vue 3 hook) or the file imports `defineComponent`,
 * else Vue 2's `beforeDestroy`.
 */
export function missingTeardownHook(object: ts.ObjectLiteralExpression): string {
  const keys = object.properties.map((p) => (p.name ? propertyNameText(p.name) : undefined));
  const vue3 = keys.some((key) => key === "emits" || key === "setup") || /\bdefineComponent\b/.test(object.getSourceFile().text);
  return vue3 ? "beforeUnmount" : "beforeDestroy";
}
