// Known resource APIs as data: for each module, the calls that acquire a resource
// (a stream, a file handle, an HTTP response, a pooled connection, a client), how
// the resource is delivered (returned, through a promise, or to a callback), the
// methods and functions that release it and the ones that hand it off. The
// `resource` rules share these tables and the matcher below; users extend them with
// the `resources` and `pools` entries of their config.
import ts from "typescript";
import { calleeMemberName, calleeReceiver, isFunctionNode } from "../core/ast";
import type { Facts } from "../core/facts";
import type { EngineSettings, ResourceApi } from "../core/types";

export type ResourceKind = "stream" | "file-handle" | "response" | "connection" | "client";
export type Delivery = "value" | "promise" | "callback";

export interface ResourceSpec {
  kind: ResourceKind;
  /** How messages name it: "fs.createReadStream". */
  label: string;
  /** Delivery when the call has no callback argument. */
  delivery: Delivery;
  /** Index of the resource among a callback's parameters (`(err, fd)` → 1); callbacks unsupported when absent. */
  callbackParam?: number;
  /** Index of a callback parameter that releases when called (pg's `done`). */
  releaseParam?: number;
  /** Methods on the resource that release it. */
  release: readonly string[];
  /** Functions that release a resource passed to them (`fs.close(fd)`). */
  releaseFunctions?: readonly string[];
  /** Methods on the resource that hand it off (`pipe`, `createReadStream` of a FileHandle). */
  handoff?: readonly string[];
  /** `x.on(event)` listeners that consume it (a readable read to its end closes itself). */
  consumeEvents?: readonly string[];
  /** `for await (… of x)` consumes it. */
  iterable?: boolean;
  /** Passing it to any callee hands it off (default true; false for plain fds). */
  argumentIsHandoff?: boolean;
  /** The value is a number (an fd): only non-`fs` callees take it over. */
  numericHandle?: boolean;
  /** Which destructured property carries the resource (`const { body } = await request()`). */
  property?: string;
  /** Statement text that releases it on an early exit, `$` standing for the name. */
  earlyRelease?: string;
  /** It keeps connections only when its options literal sets this flag (`new http.Agent({ keepAlive: true })`). */
  holdsOnlyWith?: string;
  /** It opens nothing until this method is called on it (node-redis v4: `createClient()` … `.connect()`). */
  opensWith?: string;
  /** Methods that return the same resource under a new face (Prisma's `$extends`: an extended client on the same engine and pool). */
  extendedBy?: readonly string[];
}

export interface ModuleResources {
  module: string;
  /** Keyed by the qualified path after the module ("createReadStream", "promises.open", "" for the module itself). */
  calls: Record<string, ResourceSpec>;
}

/** A pool or client method that checks a resource out of a receiver created by one of `sources`. */
export interface CheckoutSpec extends ResourceSpec {
  module: string;
  method: string;
  /** Qualified paths (in `module`) whose results are valid receivers: "Pool" (new), "createPool". */
  sources: readonly string[];
  /** Type names of valid receivers, declared in `module` (checked with types). */
  receiverTypes: readonly string[];
  /** Loose fallback when the receiver's origin is unknown: a name pattern. */
  receiverName?: RegExp;
  /** The call must have no non-function arguments (pg's `connect()` vs undici's `connect(opts)`). */
  noOptions?: boolean;
}

const STREAM_RELEASE = ["close", "destroy", "end", "resetAndDestroy"];
const READABLE = { consumeEvents: ["data", "readable", "line"], iterable: true, handoff: ["pipe", "resume", "read", "pipeTo"] } as const;

/** A socket read until the peer ends it closes itself (allowHalfOpen is off by default). */
const SOCKET = { consumeEvents: ["data", "end", "close", "readable"], handoff: ["pipe", "resume"] } as const;

function stream(label: string, extra: Partial<ResourceSpec> = {}): ResourceSpec {
  return { kind: "stream", label, delivery: "value", release: STREAM_RELEASE, handoff: ["pipe"], earlyRelease: "$.destroy();", ...extra };
}

const ZLIB_STREAMS = [
  "createGzip", "createGunzip", "createDeflate", "createInflate", "createDeflateRaw", "createInflateRaw", "createUnzip",
  "createBrotliCompress", "createBrotliDecompress",
];

const FILE_HANDLE: ResourceSpec = {
  kind: "file-handle", label: "fs.promises.open", delivery: "promise", release: ["close"],
  handoff: ["createReadStream", "createWriteStream", "readableWebStream", "readLines"], earlyRelease: "await $.close();",
};
const FD = (label: string, delivery: Delivery): ResourceSpec => ({
  kind: "file-handle", label, delivery, callbackParam: 1, release: [], releaseFunctions: ["close", "closeSync"], numericHandle: true,
});

const FETCH: ResourceSpec = {
  kind: "response", label: "fetch", delivery: "promise", release: ["json", "text", "arrayBuffer", "blob", "formData", "bytes"],
  earlyRelease: "await $.body?.cancel();",
};
const NODE_FETCH: ResourceSpec = { ...FETCH, label: "node-fetch", earlyRelease: "$.body?.resume();" };
const UNDICI_REQUEST: ResourceSpec = {
  kind: "response", label: "undici.request", delivery: "promise", property: "body",
  release: ["json", "text", "arrayBuffer", "blob", "bytes", "dump", "destroy"], handoff: ["pipe"], consumeEvents: ["data", "readable"],
  iterable: true, earlyRelease: "await $.dump();",
};
const HTTP_RESPONSE: ResourceSpec = {
  kind: "response", label: "http.get", delivery: "callback", callbackParam: 0, release: ["resume", "destroy"], ...READABLE,
  handoff: ["pipe", "resume", "read"], earlyRelease: "$.resume();",
};

function client(label: string, release: string[], extra: Partial<ResourceSpec> = {}): ResourceSpec {
  return { kind: "client", label, delivery: "value", release, ...extra };
}

/** False for a client that keeps nothing open by its options: an http.Agent without `keepAlive: true` closes idle sockets. */
export function holdsConnections(call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec): boolean {
  if (!spec.holdsOnlyWith) return true;
  const options = call.arguments?.[0];
  if (!options || !ts.isObjectLiteralExpression(options)) return options !== undefined; // `new Agent(opts)`: unknown, keep it
  return options.properties.some((p) => ts.isSpreadAssignment(p)
    || (ts.isPropertyAssignment(p) && p.name.getText() === spec.holdsOnlyWith && p.initializer.kind !== ts.SyntaxKind.FalseKeyword));
}

export const KNOWN_RESOURCES: readonly ModuleResources[] = [
  {
    module: "fs",
    calls: {
      createReadStream: stream("fs.createReadStream", READABLE),
      createWriteStream: stream("fs.createWriteStream"),
      watch: stream("fs.watch", { release: ["close"], handoff: [], earlyRelease: "$.close();" }),
      "promises.watch": stream("fs.promises.watch", { release: ["return"], iterable: true, handoff: [] }),
      "promises.open": FILE_HANDLE,
      open: FD("fs.open", "callback"),
      openSync: FD("fs.openSync", "value"),
    },
  },
  { module: "net", calls: { connect: stream("net.connect", SOCKET), createConnection: stream("net.createConnection", SOCKET) } },
  { module: "tls", calls: { connect: stream("tls.connect", SOCKET) } },
  {
    module: "readline",
    calls: {
      createInterface: stream("readline.createInterface", { release: ["close"], consumeEvents: ["line"], iterable: true, handoff: [], earlyRelease: "$.close();" }),
      "promises.createInterface": stream("readline.promises.createInterface", { release: ["close"], consumeEvents: ["line"], iterable: true, handoff: [], earlyRelease: "$.close();" }),
    },
  },
  { module: "zlib", calls: Object.fromEntries(ZLIB_STREAMS.map((name) => [name, stream(`zlib.${name}`)])) },
  {
    module: "worker_threads",
    calls: {
      Worker: {
        kind: "stream", label: "new Worker", delivery: "value", release: ["terminate", "unref"], consumeEvents: ["exit", "error", "message", "online"],
        earlyRelease: "void $.terminate();",
      },
    },
  },
  { module: "global", calls: { fetch: FETCH } },
  { module: "undici", calls: { fetch: { ...FETCH, label: "undici.fetch" }, request: UNDICI_REQUEST } },
  // node-fetch bodies (v2 and v3) are Node streams: `resume()` drains one, a web stream's `cancel()` does not exist there.
  { module: "node-fetch", calls: { "": NODE_FETCH, default: NODE_FETCH } },
  { module: "http", calls: { get: HTTP_RESPONSE, request: { ...HTTP_RESPONSE, label: "http.request" } } },
  { module: "https", calls: { get: { ...HTTP_RESPONSE, label: "https.get" }, request: { ...HTTP_RESPONSE, label: "https.request" } } },
];

/** Clients that own connections or threads; created once per process, closed on shutdown. */
export const KNOWN_CLIENTS: readonly ModuleResources[] = [
  { module: "pg", calls: { Pool: client("pg Pool", ["end"]), Client: client("pg Client", ["end"]) } },
  { module: "mysql2", calls: { createPool: client("mysql2 pool", ["end"]), createConnection: client("mysql2 connection", ["end", "destroy"]) } },
  { module: "mysql2/promise", calls: { createPool: client("mysql2 pool", ["end"]), createConnection: client("mysql2 connection", ["end", "destroy"]) } },
  { module: "ioredis", calls: { "": client("ioredis client", ["quit", "disconnect"]), Redis: client("ioredis client", ["quit", "disconnect"]), default: client("ioredis client", ["quit", "disconnect"]), Cluster: client("ioredis cluster", ["quit", "disconnect"]) } },
  { module: "redis", calls: { createClient: client("redis client", ["quit", "disconnect", "close", "destroy"], { opensWith: "connect" }) } },
  { module: "mongodb", calls: { MongoClient: client("MongoClient", ["close"]) } },
  { module: "@prisma/client", calls: { PrismaClient: client("PrismaClient", ["$disconnect"], { extendedBy: ["$extends"] }) } },
  { module: "generic-pool", calls: { createPool: client("generic-pool pool", ["drain", "clear"]) } },
  { module: "http", calls: { Agent: client("http.Agent", ["destroy"], { holdsOnlyWith: "keepAlive" }) } },
  { module: "https", calls: { Agent: client("https.Agent", ["destroy"], { holdsOnlyWith: "keepAlive" }) } },
  { module: "undici", calls: { Agent: client("undici Agent", ["close", "destroy"]), Pool: client("undici Pool", ["close", "destroy"]), Client: client("undici Client", ["close", "destroy"]) } },
  { module: "worker_threads", calls: { Worker: client("Worker", ["terminate", "unref"]) } },
  { module: "http-proxy", calls: { createProxyServer: client("http-proxy server", ["close"]), createProxy: client("http-proxy server", ["close"]), createServer: client("http-proxy server", ["close"]) } },
];

const CONNECTION = { kind: "connection", delivery: "promise" } as const;
export const KNOWN_CHECKOUTS: readonly CheckoutSpec[] = [
  {
    ...CONNECTION, module: "pg", method: "connect", label: "pool.connect()", sources: ["Pool"], receiverTypes: ["Pool"],
    receiverName: /pool/i, noOptions: true, callbackParam: 1, releaseParam: 2, release: ["release"], earlyRelease: "$.release();",
  },
  {
    ...CONNECTION, module: "mysql2", method: "getConnection", label: "pool.getConnection()", sources: ["createPool", "promise.createPool", "createPoolCluster"],
    receiverTypes: ["Pool", "PoolCluster"], receiverName: /pool/i, callbackParam: 1, release: ["release", "destroy"], earlyRelease: "$.release();",
  },
  {
    ...CONNECTION, module: "mysql2/promise", method: "getConnection", label: "pool.getConnection()", sources: ["createPool"],
    receiverTypes: ["Pool"], receiverName: /pool/i, release: ["release", "destroy"], earlyRelease: "$.release();",
  },
  {
    ...CONNECTION, module: "generic-pool", method: "acquire", label: "pool.acquire()", sources: ["createPool", "Pool"],
    receiverTypes: ["Pool"], receiverName: /pool/i, release: [], earlyRelease: undefined,
  },
  {
    ...CONNECTION, delivery: "value", module: "mongodb", method: "startSession", label: "client.startSession()", sources: ["MongoClient"],
    receiverTypes: ["MongoClient"], receiverName: /mongo|client|db/i, release: ["endSession"], earlyRelease: "await $.endSession();",
  },
  {
    ...CONNECTION, delivery: "value", module: "ioredis", method: "duplicate", label: "redis.duplicate()", sources: ["", "Redis", "default"],
    receiverTypes: ["Redis"], receiverName: /redis/i, release: ["quit", "disconnect"],
  },
  {
    ...CONNECTION, delivery: "value", module: "redis", method: "duplicate", label: "client.duplicate()", sources: ["createClient"],
    receiverTypes: ["RedisClientType"], receiverName: /redis/i, release: ["quit", "disconnect", "close", "destroy"],
  },
];

/** The last argument when it is a function: the callback of a callback-style call. */
export function callbackArgument(call: ts.CallExpression | ts.NewExpression): ts.FunctionExpression | ts.ArrowFunction | undefined {
  const last = call.arguments?.[call.arguments.length - 1];
  return last && (ts.isFunctionExpression(last) || ts.isArrowFunction(last)) ? last : undefined;
}

/** How a matched call delivers its resource: callback when it has a callback the spec knows, else the spec's default. */
export function deliveryOf(call: ts.CallExpression | ts.NewExpression, spec: ResourceSpec): Delivery {
  if (spec.callbackParam !== undefined && callbackArgument(call)) return "callback";
  return spec.delivery === "callback" ? "value" : spec.delivery;
}

/** The tables restricted to resources of the given kinds (a smaller pre-filter per rule). */
export function resourcesOfKind(tables: readonly ModuleResources[], kinds: readonly ResourceKind[]): ModuleResources[] {
  return tables
    .map((t) => ({ module: t.module, calls: Object.fromEntries(Object.entries(t.calls).filter(([, spec]) => kinds.includes(spec.kind))) }))
    .filter((t) => Object.keys(t.calls).length > 0);
}

/** Specs from the config's `resources` entries of the given kinds (an entry without a kind is a stream). */
export function configResources(settings: EngineSettings, kinds: readonly ResourceKind[]): ModuleResources[] {
  return settings.resources
    .filter((r) => kinds.includes(r.kind === undefined ? "stream" : configKind(r)))
    .map((r) => ({ module: normalize(r.module), calls: { [r.call]: configSpec(r) } }));
}

function configKind(api: ResourceApi): ResourceKind {
  return api.kind === "connection" ? "connection" : api.kind ?? "stream";
}

function configSpec(api: ResourceApi): ResourceSpec {
  const kind = configKind(api);
  return { kind, label: `${api.module} ${api.call}`, delivery: kind === "file-handle" || kind === "connection" ? "promise" : "value", release: api.release, handoff: ["pipe"], earlyRelease: `$.${api.release[0]}();` };
}

/** Checkouts from the config's `pools` entries: `{ module, acquire, release }`. */
export function configCheckouts(settings: EngineSettings): CheckoutSpec[] {
  return settings.pools.map((p) => ({
    ...CONNECTION, module: normalize(p.module), method: p.acquire.split(".").pop()!, label: `${p.acquire}()`, sources: [], receiverTypes: [],
    receiverName: /./, release: p.release, earlyRelease: `$.${p.release[0]}();`,
  }));
}

function normalize(module: string): string {
  return module.startsWith("node:") ? module.slice(5) : module;
}

/**
 * All member names that can start a known acquisition: the cheap syntactic pre-filter.
 * A module that is callable itself (`""`, `default`) only widens the filter to every
 * identifier call when the file mentions that module at all.
 */
export function acquisitionNames(tables: readonly ModuleResources[], sourceFile: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const table of tables) {
    for (const call of Object.keys(table.calls)) {
      if ((call === "" || call === "default") && !sourceFile.text.includes(table.module)) continue;
      names.add(call.split(".").pop() ?? call);
    }
  }
  for (const alias of topLevelAliases(sourceFile, names)) names.add(alias);
  return names;
}

/** Local names of top-level aliases of `names`: `import { a as b }`, `const { a: b } = require(…)`. */
function topLevelAliases(sourceFile: ts.SourceFile, names: ReadonlySet<string>): string[] {
  const aliases: string[] = [];
  const add = (imported: ts.Node | undefined, local: ts.Node): void => {
    if (imported && ts.isIdentifier(imported) && names.has(imported.text) && ts.isIdentifier(local)) aliases.push(local.text);
  };
  for (const statement of sourceFile.statements) {
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined;
    if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) add(element.propertyName, element.name);
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isObjectBindingPattern(declaration.name)) for (const element of declaration.name.elements) add(element.propertyName, element.name);
    }
  }
  return aliases;
}

/**
 * The spec of a call that acquires a resource from one of `tables`, by import-resolved
 * name. Modules imported as a whole (`import fetch from "node-fetch"`, `new Redis()`)
 * are matched on their empty path. Call `acquisitionNames` first as a filter.
 */
export function matchAcquisition(facts: Facts, call: ts.CallExpression | ts.NewExpression, tables: readonly ModuleResources[]): ResourceSpec | undefined {
  const name = facts.calleeName(call);
  if (!name) return undefined;
  const colon = name.indexOf(":");
  const module = name.slice(0, colon);
  const path = name.slice(colon + 1);
  for (const table of tables) {
    if (table.module !== module) continue;
    const spec = table.calls[path] ?? table.calls[path.replace(/^default\./, "")];
    if (spec) return spec;
  }
  return undefined;
}

/** Whether `call` is a checkout from a known pool (`pool.connect()` on a pg Pool …). */
export function matchCheckout(facts: Facts, call: ts.CallExpression, checkouts: readonly CheckoutSpec[]): CheckoutSpec | undefined {
  const method = calleeMemberName(call);
  const receiver = calleeReceiver(call);
  if (!method || !receiver) return undefined;
  // Syntax first (`socket.connect(port, host)` is no pool checkout), symbols only for what is left.
  const candidates = checkouts.filter((c) => c.method === method && !(c.noOptions && call.arguments.some((a) => !isFunctionNode(a))));
  if (candidates.length === 0) return undefined;
  const origin = receiverOrigin(facts, receiver);
  for (const spec of candidates) {
    if (origin !== undefined) {
      if (originMatches(origin, spec)) return spec;
      continue;
    }
    const typed = typeFromModule(facts, receiver, spec.module.split("/")[0], spec.receiverTypes);
    if (typed !== undefined) {
      if (typed) return spec;
      continue;
    }
    // By name alone only where the file uses the library or the pool is imported: `this.connectionPool.getConnection()`
    // on a pool of the file's own package is no checkout.
    if (spec.receiverName?.test(receiverText(receiver)) && (fileImports(facts, spec.module) || isImported(facts, receiver))) return spec;
  }
  return undefined;
}

/** Whether the file imports or requires `module`'s package (or a subpath of it). */
function fileImports(facts: Facts, module: string): boolean {
  const parts = module.split("/");
  const root = module.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  for (const imported of facts.importedModules()) if (imported === root || imported.startsWith(`${root}/`)) return true;
  return false;
}

/** An identifier bound by an import or a `require` (directly or destructured): a pool another module created. */
function isImported(facts: Facts, receiver: ts.Expression): boolean {
  if (!ts.isIdentifier(receiver)) return false;
  const name = facts.qualifiedName(receiver);
  return name !== undefined && !name.startsWith("global:");
}

function originMatches(origin: string, spec: CheckoutSpec): boolean {
  const [module, path] = [origin.slice(0, origin.indexOf(":")), origin.slice(origin.indexOf(":") + 1)];
  if (spec.sources.length === 0) return module === spec.module;
  return module === spec.module && spec.sources.includes(path.replace(/^default\.?/, ""));
}

function receiverText(receiver: ts.Expression): string {
  return ts.isPropertyAccessExpression(receiver) ? receiver.name.text : ts.isIdentifier(receiver) ? receiver.text : "";
}

/** The qualified name of the call that created a receiver (`const pool = new pg.Pool()` → "pg:Pool"), when visible. */
export function receiverOrigin(facts: Facts, receiver: ts.Expression): string | undefined {
  let initializer: ts.Expression | undefined;
  if (ts.isIdentifier(receiver)) {
    const decl = facts.symbolAt(receiver)?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl)) initializer = decl.initializer;
  } else if (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const decl = facts.symbolAt(receiver.name)?.valueDeclaration;
    if (decl && ts.isPropertyDeclaration(decl)) initializer = decl.initializer;
  }
  while (initializer && (ts.isAwaitExpression(initializer) || ts.isParenthesizedExpression(initializer))) initializer = initializer.expression;
  if (!initializer || !(ts.isCallExpression(initializer) || ts.isNewExpression(initializer))) return undefined;
  return facts.calleeName(initializer);
}

/**
 * With types: whether `expr`'s type (or a base) is one of `typeNames` declared in
 * `module`'s package (or its @types). Undefined without types or for `any`.
 */
export function typeFromModule(facts: Facts, expr: ts.Node, module: string, typeNames: readonly string[]): boolean | undefined {
  if (!facts.hasTypes) return undefined;
  const type = facts.checker.getTypeAtLocation(expr);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
  const inModule = (symbol: ts.Symbol | undefined): boolean => symbol !== undefined && typeNames.includes(symbol.getName())
    && (symbol.declarations ?? []).some((d) => new RegExp(`[/\\\\](@types[/\\\\])?${module.replace("/", "[/\\\\]")}[/\\\\]`).test(d.getSourceFile().fileName));
  const visit = (t: ts.Type, depth: number): boolean => {
    if (depth > 5) return false;
    if (t.isUnion()) return t.types.some((u) => visit(u, depth + 1));
    if (inModule(t.getSymbol()) || inModule(t.aliasSymbol)) return true;
    const target = (t as ts.TypeReference).target ?? t;
    return target.isClassOrInterface() && facts.checker.getBaseTypes(target).some((b) => visit(b, depth + 1));
  };
  return visit(type, 0);
}

/** Whether the type of `expr` has `[Symbol.asyncDispose]` (or `[Symbol.dispose]` when `sync`). */
export function isDisposableType(facts: Facts, expr: ts.Node, sync: boolean): boolean {
  if (!facts.hasTypes) return false;
  const wanted = sync ? "__@dispose@" : "__@asyncDispose@";
  return facts.checker.getTypeAtLocation(expr).getProperties().some((p) => String(p.escapedName).startsWith(wanted));
}
