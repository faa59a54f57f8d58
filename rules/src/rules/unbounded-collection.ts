// unbounded-collection: a module-level / static / singleton Map, Set, array or dictionary — or one owned by a long-lived instance — that repeated code adds to and nothing removes from or bounds.
import ts from "typescript";
import {
  type CollectionKind, type CollectionUse, type Facts, type Fix, type Repetition, type TextEdit, classifyCollectionUse, collectionKindOf, containingStatement, fileMayGrowCollections,
  defineRule, enclosingFunction, functionName, hasModifier, isInside, hasObjectKeys, indentationAt, isFunctionNode, propertyNameText, referencesInOtherFiles, repetitionAt, type LifetimeAnalysis, lifetimes,
  type InstanceOwner, type OwnedCollection, type KeptEntry, keptEntries, insertBefore, makeFix, replaceNode, firedTimersKept, hasClosedKeyType, isBoundedKey, isLazyLoadRecord, growsOnlyBeforeReady, isCallbackRegistration, isExposedToSiblingModule, isLongLivedOwner, looksMinified, growingCollections, ownedGrowthRepetition, owners, removalEvidence,
} from "../engine";

type MessageId = "grows" | "growsExported" | "growsOwned" | "firedTimersKept" | "closedEntriesKept" | "selfRegistered";
type Options = Record<string, never>;

interface Candidate {
  /** The declared name (for messages and the MAX_ constant). */
  name: string;
  /** Where to report: the declaration's name. */
  nameNode: ts.Node;
  /** The `new Map()` / `[]` / `{}`. */
  init: ts.Expression;
  kind: CollectionKind;
  where: string;
  refs: ts.Expression[];
  exported: boolean;
  statement: ts.Node;
  /** For a collection an instance owns: the owner's name and why its growth repeats. */
  owned?: { owner: string; repetition: (use: CollectionUse) => Repetition | undefined; evidence: (uses: CollectionUse[], growth: CollectionUse) => string | undefined;
    perEvent: (use: CollectionUse) => boolean };
}

/** The nodes an owner can be (owners.ts): classes, functions (ES5 constructors, factories), a component's options object. */
const OWNER_KINDS = [
  ts.SyntaxKind.ClassDeclaration, ts.SyntaxKind.ClassExpression, ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration, ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor, ts.SyntaxKind.ObjectLiteralExpression,
];
const GLOBAL_OBJECTS = new Set(["globalThis", "window", "global", "self"]);
const KIND_TEXT: Record<CollectionKind, string> = { map: "Map", set: "Set", array: "array", object: "object used as a dictionary" };
const WEAK_METHODS: Record<string, ReadonlySet<string>> = { map: new Set(["get", "set", "has", "delete"]), set: new Set(["add", "has", "delete"]) };

export default defineRule<MessageId, Options>({
  id: "unbounded-collection",
  meta: {
    family: "growth",
    description: "a module-level, static or singleton Map, Set, array or object that code keeps adding to and nothing removes from or bounds",
    fix: ["safe", "suggestion"],
    requiresTypeInfo: false,
    requires: [lifetimes, owners],
    defaultSeverity: "warning",
  },
  messages: {
    grows: "{{where}} `{{name}}` ({{kind}}) grows each time {{when}} (`{{via}}`) and nothing ever removes from it or bounds it: it keeps every entry for the life of the process{{worse}}.",
    growsOwned: "`{{name}}` ({{kind}}), kept by the long-lived `{{owner}}`, grows each time {{when}} (`{{via}}`) and nothing in `{{owner}}` ever removes from it or bounds it{{why}}: every entry stays for as long as the {{owner}} lives{{worse}}.",
    firedTimersKept: "`{{name}}`, kept by the long-lived `{{owner}}`, gets a timer each time {{when}} (`{{via}}`), but an entry is removed only where a timer is cleared by hand: every timer that fires stays in it for as long as the {{owner}} lives. Remove the handle in the timer's callback.",
    closedEntriesKept: "`{{entry}}` is added to `{{name}}` of the long-lived `{{owner}}` each time {{when}} (`{{via}}`), and its \"{{event}}\" event is handled here, but nothing but the {{owner}}'s teardown removes entries from `{{name}}`: every closed `{{entry}}` stays for as long as the {{owner}} lives. Remove it in the \"{{event}}\" handler.",
    selfRegistered: "`{{owner}}` adds itself to `{{target}}`, a collection of another object, in `{{when}}()` (`{{via}}`), and nothing removes it when it is destroyed: every destroyed {{owner}} stays reachable from that object. Remove it in the teardown hook.",
    growsExported: "{{where}} `{{name}}` ({{kind}}) grows each time {{when}} (`{{via}}`) and nothing in this file removes from it or bounds it{{worse}}. It is exported, so other modules may; without type information leaklint cannot follow them.",
  },
  schema: { type: "object", additionalProperties: false, properties: {} },
  defaultOptions: {},
  create(context) {
    const lifetime = context.use(lifetimes);
    const instances = context.use(owners);
    const { facts, sourceFile } = context;
    const growingNames = new Map<string, boolean>();
    const checkedBindings = new Set<ts.Symbol>();
    let fileGrows: boolean | undefined;
    let ownerNodes: Map<ts.Node, InstanceOwner> | undefined;
    return {
      [ts.SyntaxKind.VariableDeclaration](decl: ts.VariableDeclaration) {
        const kind = collectionKindOf(decl.initializer);
        if (!kind || !ts.isIdentifier(decl.name) || !isTopLevel(decl)) return;
        // Cheap syntactic filter: some `name.push(…)`-like growth must exist before binding is resolved.
        if (!growsSomewhere(decl.name.text)) return;
        const binding = facts.symbolAt(decl.name);
        if (binding && checkedBindings.has(binding)) return; // `var` redeclared: one binding, checked (and reported) once
        if (binding) checkedBindings.add(binding);
        const statement = decl.parent.parent;
        check({
          name: decl.name.text, nameNode: decl.name, init: decl.initializer!, kind, where: "The module-level",
          refs: facts.referencesTo(decl.name), exported: hasModifier(statement, ts.SyntaxKind.ExportKeyword), statement,
        });
      },
      [ts.SyntaxKind.BinaryExpression](assignment: ts.BinaryExpression) {
        // `globalThis.cache = new Map()` / `window.seen ??= []` while the module loads.
        const target = assignment.left;
        if (!ts.isPropertyAccessExpression(target) || !ts.isIdentifier(target.expression) || !GLOBAL_OBJECTS.has(target.expression.text)) return;
        const op = assignment.operatorToken.kind;
        const init = op === ts.SyntaxKind.EqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken
          ? fallbackValue(assignment.right) : undefined;
        const kind = collectionKindOf(init);
        if (!kind || !init || enclosingFunction(assignment) || !ts.isExpressionStatement(assignment.parent)) return;
        const name = target.name.text;
        const refs = facts.identifiersNamed(name).flatMap((id) => {
          const access = id.parent;
          return ts.isPropertyAccessExpression(access) && access.name === id && !isInside(access, assignment) && ts.isIdentifier(access.expression)
            && GLOBAL_OBJECTS.has(access.expression.text) ? [access] : [];
        });
        check({ name, nameNode: target, init, kind, where: "The global", refs, exported: false, statement: assignment.parent });
      },
      [ts.SyntaxKind.PropertyDeclaration](decl: ts.PropertyDeclaration) {
        const kind = collectionKindOf(decl.initializer);
        const name = propertyNameText(decl.name);
        if (!kind || !name || !ts.isClassLike(decl.parent)) return;
        const classNode = decl.parent;
        if (!facts.identifiersNamed(name).some((id) => ts.isPropertyAccessExpression(id.parent) && id.parent.name === id
          && classifyCollectionUse(id.parent).kind === "grow")) return;
        const statik = hasModifier(decl, ts.SyntaxKind.StaticKeyword);
        if (!statik && !isSingleton(facts, classNode)) return;
        check({
          name, nameNode: decl.name, init: decl.initializer!, kind, where: statik ? "The static field" : "The field of a module-level singleton",
          refs: memberRefs(classNode, name, statik), exported: false, statement: classNode,
        });
      },
      // Collections kept by instances (fields, ES5 `this.x`, factory closures) of objects that live long: checked at the owner's node.
      ...Object.fromEntries(OWNER_KINDS.map((kind) => [kind, checkOwner])),
    };

    function checkOwner(node: ts.Node): void {
      // Without a growing call or a computed store anywhere in the file nothing grows: the owners need not be collected.
      fileGrows ??= !looksMinified(sourceFile) && fileMayGrowCollections(facts);
      if (!fileGrows) return;
      ownerNodes ??= new Map(instances.all.map((owner) => [owner.node as ts.Node, owner]));
      const owner = ownerNodes.get(node);
      if (!owner) return;
      // The collections that grow first: most owners have none, and the owner questions cost more.
      const growing = growingCollections(facts, instances, owner);
      for (const kept of keptEntries(facts, instances, owner)) if (!growing.some((g) => g.name === kept.name)) reportKept(owner, kept);
      if (growing.length === 0) return;
      if (ts.isClassLike(owner.node) && isSingleton(facts, owner.node)) return; // reported as the singleton's field
      if (!isLongLivedOwner(facts, instances, owner)) return;
      for (const owned of growing) checkOwned(owned);
    }

    /** A closed entry or a self-registration (analyses/kept-entries.ts), reported at the growing call. */
    function reportKept(owner: InstanceOwner, kept: KeptEntry): void {
      const via = `${kept.call.expression.getText(sourceFile)}(…)`;
      if (kept.shape === "self") {
        const target = (kept.call.expression as ts.PropertyAccessExpression).expression.getText(sourceFile);
        context.report({ node: kept.call.expression, messageId: "selfRegistered", data: { owner: owner.name, target, via, when: kept.when } });
        return;
      }
      const entry = kept.call.arguments[kept.call.arguments.length - 1].getText(sourceFile);
      context.report({ node: kept.call.expression, messageId: "closedEntriesKept", data: { entry, name: kept.name, owner: owner.name, when: kept.when, via, event: kept.event ?? "close" } });
    }

    /** Whether some identifier of that name grows a collection, once per name (4,000 `var m = new Map()` lines made it quadratic). */
    function growsSomewhere(name: string): boolean {
      let known = growingNames.get(name);
      if (known === undefined) growingNames.set(name, (known = facts.identifiersNamed(name).some((id) => classifyCollectionUse(id).kind === "grow")));
      return known;
    }

    function checkOwned(owned: OwnedCollection): void {
      const { owner } = owned;
      if (isExposedToSiblingModule(facts, instances, owned)) return; // a sibling module handed the owner may remove its entries
      const kept = firedTimersKept(facts, instances, owned, owned.refs.map(classifyCollectionUse));
      const keptWhen = kept && ownedGrowthRepetition(instances, owner, kept.ref);
      if (kept && keptWhen) {
        context.report({ node: kept.ref.parent, messageId: "firedTimersKept", data: { name: owned.name, owner: owner.name, when: keptWhen, via: viaText(kept) },
          related: [{ node: owned.nameNode, message: "created here" }] });
        return;
      }
      const top = ts.isClassDeclaration(owner.node) || ts.isFunctionDeclaration(owner.node) ? owner.node : undefined;
      check({
        name: owned.name, nameNode: owned.nameNode, init: owned.init, kind: owned.kind, where: "", refs: owned.refs, exported: false,
        statement: top && ts.isSourceFile(top.parent) ? top : owned.nameNode,
        owned: {
          owner: owner.name,
          repetition: (use) => {
            const when = ownedGrowthRepetition(instances, owner, use.ref);
            const fn = enclosingFunction(use.ref);
            return when && fn && !isCallbackRegistration(use) ? { fn, when } : undefined;
          },
          evidence: (uses, growth) => removalEvidence(facts, owned, uses, growth),
          perEvent: (use) => ownedGrowthRepetition(instances, owner, use.ref, true) !== undefined,
        },
      });
    }

    function check(candidate: Candidate): void {
      const uses = candidate.refs.map(classifyCollectionUse);
      if (uses.some((u) => u.kind === "shrink" || u.kind === "bound")) return;
      if (hasClosedKeyType(facts, candidate.nameNode)) return; // `Record<Kind, V>`: one entry per member of Kind at most
      const escapes = uses.filter((u) => u.kind === "escape");
      if (escapes.some((u) => !isExport(u.ref))) return; // handed to code we cannot see
      let exported = candidate.exported || escapes.length > 0;
      if (exported && facts.hasTypes && ts.isIdentifier(candidate.nameNode)) {
        // With types, follow the binding into the modules that import it.
        const elsewhere = referencesInOtherFiles(facts, candidate.nameNode).map(classifyCollectionUse);
        if (elsewhere.some((u) => u.kind === "shrink" || u.kind === "bound" || (u.kind === "escape" && !isExport(u.ref)))) return;
        exported = false;
      }
      const growth = uses.filter((u) => u.kind === "grow" && !(candidate.kind === "array" && u.via === "[]=") && !isEventNameKey(facts, u)
        && !isBoundedKey(facts, u) && !isLazyLoadRecord(u)
        && !growsOnlyBeforeReady(facts, u, uses))
        .map((u) => ({ use: u, repetition: candidate.owned ? candidate.owned.repetition(u) : growthRepetition(u) }));
      const repeated = growth.find((g) => g.repetition !== undefined);
      if (!repeated || isWarnOnceSet(candidate, repeated.repetition!.fn)) return;
      const { use, repetition } = repeated;
      const evidence = candidate.owned ? candidate.owned.evidence(uses, use) : "";
      if (evidence === undefined) return; // an instance's lookup table: a cache bounded by what the owner sees
      // A list without such evidence (headers a response buffers) must grow per event, not merely per call of `write…()`.
      if (candidate.owned && evidence === "" && !candidate.owned.perEvent(use)) return;
      context.report({
        node: candidate.owned ? use.ref.parent : candidate.nameNode, // an owned collection is reported where it grows
        messageId: candidate.owned ? "growsOwned" : exported ? "growsExported" : "grows",
        data: {
          owner: candidate.owned?.owner ?? "", why: evidence ? ` (${evidence})` : "", where: candidate.where, name: candidate.name, kind: KIND_TEXT[candidate.kind], when: repetition!.when, via: viaText(use),
          worse: isRequestDerived(facts, lifetime, use) ? ", and what it stores comes from the request, so every distinct client input adds an entry" : "",
        },
        related: candidate.owned ? [{ node: candidate.nameNode, message: "created here" }]
          : growth.filter((g) => g.repetition).map((g) => ({ node: g.use.ref.parent, message: "grows here" })),
        fixes: [...weakFixes(candidate, uses), ...(candidate.statement === candidate.nameNode ? [] : boundFixes(candidate, use))],
      });
    }

    /** Strictly repeated code; or a constructor registering its own instance (`instances.add(this)`). */
    function growthRepetition(use: CollectionUse): Repetition | undefined {
      const strict = repetitionAt(facts, use.ref, { strict: true });
      if (strict && isStreamBuffering(strict.fn)) return undefined;
      if (strict || use.key?.kind !== ts.SyntaxKind.ThisKeyword) return strict;
      const fn = enclosingFunction(use.ref);
      return fn && ts.isConstructorDeclaration(fn) ? { fn, when: "an instance is created (and it keeps every instance alive)" } : undefined;
    }

    /** `Map` → `WeakMap` when every key is an object and the collection is never iterated or sized. Safe. */
    function weakFixes(candidate: Candidate, uses: CollectionUse[]): Fix[] {
      if ((candidate.kind !== "map" && candidate.kind !== "set") || !facts.hasTypes) return [];
      if (hasObjectKeys(facts.checker, candidate.nameNode) !== true) return [];
      const allowed = WEAK_METHODS[candidate.kind];
      if (!uses.every((u) => allowed.has(u.via))) return [];
      const weak = candidate.kind === "map" ? "WeakMap" : "WeakSet";
      const strong = candidate.kind === "map" ? "Map" : "Set";
      const edits: TextEdit[] = [];
      const init = candidate.init;
      if (ts.isNewExpression(init)) edits.push(replaceNode(init.expression, sourceFile, weak));
      const holder = candidate.nameNode.parent;
      const type = ts.isVariableDeclaration(holder) || ts.isPropertyDeclaration(holder) ? holder.type : undefined;
      if (type) {
        if (!ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName) || type.typeName.text !== strong) return [];
        edits.push(replaceNode(type.typeName, sourceFile, weak));
      }
      return [makeFix(`Convert \`${candidate.name}\` to a ${weak} (its keys are objects; entries go when the key is collected)`, true, edits)];
    }

    /** A `MAX_…` constant and an oldest-entry eviction before the insertion. Suggestion. */
    function boundFixes(candidate: Candidate, growth: CollectionUse): Fix[] {
      const statement = containingStatement(growth.ref);
      if (!statement || !ts.isBlock(statement.parent) || enclosingFunction(statement) !== enclosingFunction(growth.ref)) return [];
      const ref = growth.ref.getText(sourceFile);
      const max = `MAX_${candidate.name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/^_+/, "").toUpperCase()}_ENTRIES`;
      if (facts.identifiersNamed(max).length > 0) return [];
      const typed = !/\.[cm]?jsx?$/.test(sourceFile.fileName);
      const bang = typed ? "!" : "";
      const evict = {
        map: `if (${ref}.size >= ${max}) ${ref}.delete(${ref}.keys().next().value${bang});`,
        set: `if (${ref}.size >= ${max}) ${ref}.delete(${ref}.values().next().value${bang});`,
        array: `if (${ref}.length >= ${max}) ${ref}.${growth.via === "unshift" ? "pop" : "shift"}();`,
        object: `if (Object.keys(${ref}).length >= ${max}) delete ${ref}[Object.keys(${ref})[0]];`,
      }[candidate.kind];
      const indent = indentationAt(sourceFile.text, statement.getStart(sourceFile));
      const top = indentationAt(sourceFile.text, candidate.statement.getStart(sourceFile));
      return [makeFix(`Bound \`${candidate.name}\` to ${max} entries, evicting the oldest`, false, [
        insertBefore(candidate.statement, sourceFile, `const ${max} = 1000;\n${top}`),
        insertBefore(statement, sourceFile, `${evict}\n${indent}`),
      ])];
    }

    /** `Cls.field` anywhere and `this.field` in static members for statics; `this.field` for a singleton's instance fields. */
    function memberRefs(classNode: ts.ClassLikeDeclaration, name: string, statik: boolean): ts.Expression[] {
      const className = classNode.name?.text;
      return facts.identifiersNamed(name).flatMap((id) => {
        const access = id.parent;
        if (!ts.isPropertyAccessExpression(access) || access.name !== id) return [];
        const base = access.expression;
        const inside = id.pos >= classNode.pos && id.end <= classNode.end;
        if (base.kind === ts.SyntaxKind.ThisKeyword) return inside && isStaticContext(access) === statik ? [access] : [];
        return statik && ts.isIdentifier(base) && base.text === className ? [access] : [];
      });
    }
  },
});

/** `warned.add(msg)` in `emitWarningOnce()`: a set of distinct messages, bounded by the code's own strings. */
function isWarnOnceSet(candidate: Candidate, fn: ts.Node): boolean {
  const pattern = /warn|deprecat|once|emitted|logged|reported/i;
  return candidate.kind !== "array" && (pattern.test(candidate.name) || pattern.test(functionName(fn as never) ?? ""));
}

/** `emitter.on("newListener", (event) => { seen[event] = … })`: keyed by the program's own event names, a bounded set. */
function isEventNameKey(facts: Facts, use: CollectionUse): boolean {
  const key = use.key && ts.isIdentifier(use.key) ? facts.symbolAt(use.key)?.declarations?.[0] : undefined;
  if (!key || !ts.isParameter(key) || key.parent.parameters[0] !== key) return false;
  const host = key.parent.parent;
  return ts.isCallExpression(host) && host.arguments[1] === key.parent && ts.isStringLiteralLike(host.arguments[0])
    && (host.arguments[0].text === "newListener" || host.arguments[0].text === "removeListener");
}

/** `x || new Map()` / `x ?? []`: the collection a fallback creates. */
function fallbackValue(expr: ts.Expression): ts.Expression {
  if (ts.isBinaryExpression(expr) && (expr.operatorToken.kind === ts.SyntaxKind.BarBarToken || expr.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
    return expr.right;
  }
  return expr;
}

/** `stream.on("data", (chunk) => chunks.push(chunk))`: buffering until the stream ends, bounded by its input. */
function isStreamBuffering(fn: ts.Node): boolean {
  const call = fn.parent;
  return ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === "on"
    && ts.isStringLiteralLike(call.arguments[0]) && call.arguments[0].text === "data";
}

function isTopLevel(decl: ts.VariableDeclaration): boolean {
  const statement = decl.parent.parent;
  return ts.isVariableStatement(statement) && (ts.isSourceFile(statement.parent) || ts.isModuleBlock(statement.parent));
}

/** `this` inside a static method, static block or static field initialiser. */
function isStaticContext(node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isClassStaticBlockDeclaration(current)) return true;
    if ((ts.isMethodDeclaration(current) || ts.isPropertyDeclaration(current) || ts.isAccessor(current)) && ts.isClassLike(current.parent)) {
      return hasModifier(current, ts.SyntaxKind.StaticKeyword);
    }
    if (ts.isFunctionDeclaration(current) || ts.isFunctionExpression(current)) return false;
  }
  return false;
}

/** A class the file instantiates exactly once, at module level, and does not export. */
function isSingleton(facts: Facts, classNode: ts.ClassLikeDeclaration): boolean {
  if (!classNode.name || !ts.isClassDeclaration(classNode) || hasModifier(classNode, ts.SyntaxKind.ExportKeyword)) return false;
  const refs = facts.referencesTo(classNode.name);
  const news = refs.filter((r) => ts.isNewExpression(r.parent) && r.parent.expression === r);
  return news.length === 1 && news.length === refs.filter((r) => !ts.isTypeReferenceNode(r.parent)).length && enclosingFunction(news[0]) === undefined;
}

/** `export { cache }`, `module.exports = { cache }`, `exports.cache = cache`. */
function isExport(ref: ts.Expression): boolean {
  const parent = ref.parent;
  if (ts.isExportSpecifier(parent) || ts.isExportAssignment(parent)) return true;
  if (ts.isShorthandPropertyAssignment(parent) || ts.isPropertyAssignment(parent)) {
    const literal = parent.parent;
    return ts.isBinaryExpression(literal.parent) && /^(module\.)?exports$/.test(literal.parent.left.getText());
  }
  return ts.isBinaryExpression(parent) && parent.right === ref && /^(module\.)?exports\./.test(parent.left.getText());
}

function viaText(use: CollectionUse): string {
  const ref = use.ref.getText();
  return use.via === "[]=" ? `${ref}[…] = …` : `${ref}.${use.via}(…)`;
}

/** The growth's key mentions a parameter of the request handler it runs in. */
function isRequestDerived(facts: Facts, lifetime: LifetimeAnalysis, use: CollectionUse): boolean {
  const key = use.key;
  if (!key) return false;
  let derived = false;
  const visit = (node: ts.Node): void => {
    if (derived) return;
    if (ts.isIdentifier(node)) {
      const decl = facts.symbolAt(node)?.declarations?.[0];
      const fn = decl && ts.isParameter(decl) ? decl.parent : undefined;
      if (fn && isFunctionNode(fn) && lifetime.roleOf(fn) === "request-handler") derived = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(key);
  return derived;
}
