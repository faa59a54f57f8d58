// `leaklint heap diff` on real V8 heap snapshots: a small service (a module-level Map that
// only grows, emitter and AbortSignal listeners added per request, intervals never
// cleared, and correct twins) is loaded in a child `node -e` that writes snapshots with v8.writeHeapSnapshot()
// between batches of calls. The reader is checked against JSON.parse of the same files;
// the diff, the source mapping and the CLI's confirmation against the engine's findings.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import ts from "typescript";
import { diffSnapshotFiles } from "leaklint/dist/heap/diff";
import { HeapSnapshotError, readSnapshot, readSnapshotIds } from "leaklint/dist/heap/snapshot";
import { type PlacedGroup, SourceMapper, resolveDeclarations } from "leaklint/dist/heap/source";
import { REPO_ROOT } from "./lib/fixtures";
import { scratchProjects } from "./lib/scratch";

const BIN = path.join(REPO_ROOT, "rules", "bin", "leaklint.js");

const SERVICE = `"use strict";
const { EventEmitter } = require("node:events");

const sessions = new Map();
const recent = new Map();
const late = new Map();
const bus = new EventEmitter();
bus.setMaxListeners(0);
const shutdown = new AbortController();

function handleRequest(req) {
  sessions.set(req.id, { user: req.user, seen: Date.now() });
  bus.on("shutdown", () => req.id);
  setInterval(() => req.user, 60000);
  shutdown.signal.addEventListener("abort", () => req.user);
}

function handleBounded(req) {
  recent.set(req.id, { user: req.user });
  if (recent.size > 10) recent.delete(recent.keys().next().value);
  const onDrain = () => req.id;
  bus.on("drain", onDrain);
  bus.off("drain", onDrain);
  const timer = setInterval(() => req.user, 60000);
  clearInterval(timer);
  const onAbort = () => req.id;
  shutdown.signal.addEventListener("abort", onAbort);
  shutdown.signal.removeEventListener("abort", onAbort);
}

function remember(req) {
  late.set(req.id, { user: req.user });
}

module.exports = { handleRequest, handleBounded, remember };
`;

/** Loads the service: 50 calls, base, 600 calls, target, 600 more (and `remember` only now), final. */
const DRIVER = `
const v8 = require("node:v8");
const [dir] = process.argv.slice(1);
const { handleRequest, handleBounded, remember } = require(dir + "/service.js");
let next = 0;
const load = (n, late) => {
  for (let i = 0; i < n; i++, next++) {
    const req = { id: next, user: "user-" + next };
    handleRequest(req);
    handleBounded(req);
    if (late) remember(req);
  }
};
load(50, false);
v8.writeHeapSnapshot(dir + "/base.heapsnapshot");
load(600, false);
v8.writeHeapSnapshot(dir + "/target.heapsnapshot");
load(600, true);
v8.writeHeapSnapshot(dir + "/final.heapsnapshot");
process.exit(0);
`;

const LINE = { sessions: 4, late: 6, on: 13, setInterval: 14, abort: 15, twins: [5, 21, 24, 26] };
const project = scratchProjects("leaklint-heap-");
let dir = "";
let base = "";
let target = "";
let final = "";

/** One field of a flat JSON row array. */
function column(flat: number[], fields: string[], field: string): number[] {
  const at = fields.indexOf(field);
  return flat.filter((_, i) => i % fields.length === at);
}

function declared(groups: PlacedGroup[]): PlacedGroup[] {
  resolveDeclarations(groups);
  return groups;
}

function heap(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, "heap", ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

interface Finding {
  filePath: string;
  ruleId: string;
  line: number;
  column: number;
  message: string;
  confirmed: boolean;
  runtime: { countDelta: number; shallowSizeDelta: number; retainedSizeDelta: number; retainerPath: string; kind: string };
}

function json(...args: string[]): Finding[] {
  const result = heap("diff", base, target, final, "--format", "json", ...args);
  assert.equal(result.code, 1, result.stderr);
  return JSON.parse(result.stdout) as Finding[];
}

before(() => {
  dir = project({ "service.js": SERVICE });
  execFileSync(process.execPath, ["-e", DRIVER, dir]);
  [base, target, final] = ["base", "target", "final"].map((name) => path.join(dir, `${name}.heapsnapshot`));
});

describe("heap snapshot reader", () => {
  test("reads what JSON.parse reads, across chunk boundaries", () => {
    const parsed = JSON.parse(fs.readFileSync(target, "utf8"));
    for (const chunkSize of [1 << 20, 1009]) {
      const snapshot = readSnapshot(target, { chunkSize });
      assert.equal(snapshot.nodeCount, parsed.snapshot.node_count);
      const { node_fields: nodeFieldNames, edge_fields: edgeFieldNames } = parsed.snapshot.meta;
      const nodeFields = nodeFieldNames.length;
      const nodeColumns = { type: "type", name: "name", id: "id", selfSize: "self_size", edgeCount: "edge_count" } as const;
      for (const [key, field] of Object.entries(nodeColumns)) {
        assert.deepEqual(Array.from(snapshot.node[key as keyof typeof nodeColumns]), column(parsed.nodes, nodeFieldNames, field), field);
      }
      assert.deepEqual(Array.from(snapshot.edge.type), column(parsed.edges, edgeFieldNames, "type"));
      assert.deepEqual(Array.from(snapshot.edge.name), column(parsed.edges, edgeFieldNames, "name_or_index"));
      assert.deepEqual(Array.from(snapshot.edge.to), column(parsed.edges, edgeFieldNames, "to_node").map((v) => v / nodeFields));
      assert.deepEqual(Array.from(snapshot.locations), (parsed.locations as number[]).map((v, i) => (i % 4 === 0 ? v / nodeFields : v)));
      assert.deepEqual(snapshot.strings, parsed.strings);
      assert.deepEqual(snapshot.nodeTypes, parsed.snapshot.meta.node_types[0]);
    }
  });

  test("ids only: the sorted node ids", () => {
    const parsed = JSON.parse(fs.readFileSync(base, "utf8"));
    const fields = parsed.snapshot.meta.node_fields.length;
    const idOffset = parsed.snapshot.meta.node_fields.indexOf("id");
    const ids = (parsed.nodes as number[]).filter((_, i) => i % fields === idOffset).sort((a, b) => a - b);
    assert.deepEqual(Array.from(readSnapshotIds(base)), ids);
  });

  test("bad input gives a clear error, not a crash", () => {
    const text = fs.readFileSync(base, "utf8");
    const bad = project({
      "truncated.heapsnapshot": text.slice(0, Math.floor(text.length / 2)),
      "junk.heapsnapshot": "\u0000\u0001binary",
      "other.heapsnapshot": JSON.stringify({ hello: "world" }),
      "lying.heapsnapshot": text.replace(/"node_count":\d+/, "\"node_count\":3"),
      "dangling.heapsnapshot": text.replace(/"edges":\[(\d+),(\d+),\d+/, "\"edges\":[$1,$2,70000007"),
    });
    const cases: Array<[string, RegExp]> = [
      ["truncated.heapsnapshot", /ends early/],
      ["junk.heapsnapshot", /not a valid V8 heap snapshot/],
      ["other.heapsnapshot", /before the "snapshot" header/],
      ["lying.heapsnapshot", /more entries than the header says/],
      ["dangling.heapsnapshot", /edge 0 points outside "nodes"/],
      ["missing.heapsnapshot", /cannot read .*ENOENT/],
      [".", /cannot read .*EISDIR/],
    ];
    for (const [name, message] of cases) assert.throws(() => readSnapshot(path.join(bad, name)), (e: unknown) => e instanceof HeapSnapshotError && message.test(e.message), name);
    const result = spawnSync(process.execPath, [BIN, "heap", "diff", path.join(bad, "junk.heapsnapshot"), base], { encoding: "utf8" });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^leaklint heap: .*junk\.heapsnapshot: not a valid V8 heap snapshot/);
  });
});

describe("heap diff", () => {
  test("groups growth by holder and maps it to the declaration or the creating call", () => {
    const diff = diffSnapshotFiles(base, target, final);
    const mapper = new SourceMapper(diff.graph);
    const placed = declared(mapper.placeAll(diff.groups)).filter((g) => g.location?.filePath === path.join(dir, "service.js"));
    const at = (line: number) => placed.filter((g) => g.location?.line === line);
    const [sessions] = at(LINE.sessions);
    assert.ok(sessions, `no group at sessions: ${placed.map((g) => `${g.location?.line} ${g.retainerPath}`).join("; ")}`);
    assert.equal(sessions.location?.variable, "sessions");
    assert.match(sessions.retainerPath, /^sessions \(Map\) → table/);
    const listeners = at(LINE.on);
    assert.ok(listeners.some((g) => /bus \(EventEmitter\) → _events \(Object\) → shutdown/.test(g.retainerPath)), placed.map((g) => g.retainerPath).join("; "));
    const timers = at(LINE.setInterval);
    assert.ok(timers.some((g) => /TimersList/.test(g.retainerPath)));
    const abort = at(LINE.abort);
    assert.ok(abort.some((g) => /kEvents/.test(g.retainerPath)), placed.map((g) => `${g.location?.line} ${g.retainerPath}`).join("; "));
    for (const g of [sessions, ...listeners, ...timers, ...abort]) {
      assert.ok(g.retainedSize > 0 && g.retainedSize <= g.shallowSize + 1024, `${g.retainerPath}: retained ${g.retainedSize}, shallow ${g.shallowSize}`);
    }
    // 600 requests between base and target, each adds a Map entry, a listener and a timer.
    assert.ok(sessions.count >= 600, `sessions: ${sessions.count}`);
    assert.ok(listeners.reduce((n, g) => n + g.count, 0) >= 600);
    assert.ok(timers.reduce((n, g) => n + g.closureCount, 0) >= 600);
    assert.ok(abort.reduce((n, g) => n + g.closureCount, 0) >= 600);
    // The correct twins (bounded map, removed listener, cleared interval) and what only
    // grew after the target show nothing.
    assert.deepEqual(placed.filter((g) => /recent|late|drain/.test(g.retainerPath)).map((g) => g.retainerPath), []);
    assert.equal(at(LINE.late).length, 0);
    for (const line of LINE.twins) assert.deepEqual(at(line).map((g) => g.retainerPath), [], `line ${line}`);
  });

  test("with two snapshots, everything new since base counts (the late map too)", () => {
    const diff = diffSnapshotFiles(base, final, undefined);
    const mapper = new SourceMapper(diff.graph);
    const placed = declared(mapper.placeAll(diff.groups));
    const late = placed.find((g) => g.location?.variable === "late");
    assert.ok(late && late.count >= 600, "late map not found with two snapshots");
    assert.ok(!placed.some((g) => g.location?.variable === "recent"));
  });
});

describe("leaklint heap diff (CLI)", () => {
  test("confirms the static finding it matches and reports the rest as runtime-growth", () => {
    const findings = json();
    const service = path.join(dir, "service.js");
    assert.ok(findings.every((f) => f.filePath === service), findings.map((f) => f.filePath).join(", "));
    const byLine = new Map(findings.map((f) => [f.line, f]));
    const interval = byLine.get(LINE.setInterval);
    assert.equal(interval?.ruleId, "uncleared-interval");
    assert.equal(interval?.confirmed, true);
    assert.equal(interval?.runtime.kind, "timers");
    assert.ok(interval!.runtime.countDelta >= 600 && interval!.runtime.retainedSizeDelta > 0);
    const sessions = byLine.get(LINE.sessions);
    assert.equal(sessions?.ruleId, "runtime-growth");
    assert.match(sessions!.message, /`sessions` keeps growing at run time: \+[\d,]+ objects, \+[\d.]+ kB retained between snapshots, held by sessions \(Map\) → table/);
    assert.equal(sessions!.runtime.retainerPath, "sessions (Map) → table");
    const listener = byLine.get(LINE.on);
    assert.equal(listener?.ruleId, "runtime-growth");
    assert.equal(listener?.runtime.kind, "listeners");
    const abort = byLine.get(LINE.abort);
    assert.equal(abort?.ruleId, "abort-signal-listener-leak");
    assert.equal(abort?.confirmed, true);
    assert.equal(abort?.runtime.kind, "listeners");
    assert.deepEqual([...byLine.keys()].sort((a, b) => a - b), [LINE.sessions, LINE.on, LINE.setInterval, LINE.abort]);
  });

  test("with the rule off, the same growth is runtime-growth; --no-lint confirms nothing", () => {
    const off = json("--rule", "uncleared-interval:off");
    assert.equal(off.find((f) => f.line === LINE.setInterval)?.ruleId, "runtime-growth");
    assert.match(off.find((f) => f.line === LINE.setInterval)!.runtime.retainerPath, /TimersList/);
    assert.ok(json("--no-lint").every((f) => f.ruleId === "runtime-growth" && !f.confirmed));
  });

  test("stylish output names the file, the confirmation and the retainer path", () => {
    const result = heap("diff", base, target, final);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^${path.join(dir, "service.js").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    assert.match(result.stdout, new RegExp(`^  ${LINE.setInterval}:3  confirmed  .*uncleared-interval\\n      confirmed at run time: \\+[\\d,]+ objects, .* held by .*TimersList`, "m"));
    assert.match(result.stdout, /✖ 2 confirmed, 2 runtime-growth/);
  });

  test("usage errors exit 2", () => {
    for (const args of [[], ["diff", base], ["compare", base, target], ["diff", base, target, "--format", "xml"], ["diff", base, target, "--min-count", "0"], ["diff", base, target, "--rule", "nope:off"],
      ["capture", "--load", "true"], ["capture", "--interval", "1", "--inspect", "9", "--", "node", "x.js"], ["capture", "--", "node", "x.js"], ["capture", "--interval", "-1", "--", "node", "x.js"],
      ["capture", "--interval", "1", "--", "python3", "x.py"], ["capture", "--interval", "1", "--inspect", "1", "--no-diff"], ["diff", base, target, "--", "node"]]) {
      const result = heap(...args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stdout}`);
      assert.match(result.stderr, /leaklint heap/);
    }
    assert.equal(heap("--help").code, 0);
  });

  test("SARIF output carries the confirmation and runtime-growth", () => {
    const result = heap("diff", base, target, final, "--format", "sarif");
    assert.equal(result.code, 1, result.stderr);
    const run = (JSON.parse(result.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; message: { text: string }; locations: Array<{ physicalLocation: { region: { startLine: number } } }>; partialFingerprints: object; properties: { confirmed: boolean; runtime: { countDelta: number; retainerPath: string } } }> }> }).runs[0];
    const at = (line: number) => run.results.find((r) => r.locations[0].physicalLocation.region.startLine === line);
    const interval = at(LINE.setInterval)!;
    assert.equal(interval.ruleId, "uncleared-interval");
    assert.equal(interval.properties.confirmed, true);
    assert.match(interval.message.text, /\(confirmed at run time: \+[\d,]+ objects, .* held by .*TimersList.*\)$/);
    const sessions = at(LINE.sessions)!;
    assert.equal(sessions.ruleId, "runtime-growth");
    assert.equal(run.tool.driver.rules[sessions.ruleIndex].id, "runtime-growth");
    assert.equal(sessions.properties.runtime.retainerPath, "sessions (Map) → table");
    assert.ok(run.results.every((r) => Object.keys(r.partialFingerprints).length === 1));
    assert.equal(run.results.length, 4);
  });
});

describe("leaklint heap capture", () => {
  test("attaches to a process's --inspect port and takes three snapshots on an interval", async () => {
    const out = path.join(dir, "captured");
    const grower = spawn(process.execPath, ["--inspect=127.0.0.1:0", "-e", "const kept = []; setInterval(() => { for (let i = 0; i < 500; i++) kept.push({ i }); }, 20);"], { stdio: ["ignore", "ignore", "pipe"] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let text = "";
        grower.stderr.on("data", (d: Buffer) => {
          text += d.toString();
          const match = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
          if (match) resolve(match[1]);
        });
        grower.on("exit", () => reject(new Error(text)));
      });
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, "heap", "capture", "--inspect", port, "--interval", "0.3", "--no-diff", "--out", out], { cwd: dir });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /final snapshot: [\d.]+ MB/);
      const ids = ["base", "target", "final"].map((name) => readSnapshotIds(path.join(out, `${name}.heapsnapshot`)));
      assert.ok(ids[2].length > ids[0].length, "the final snapshot holds more objects than the base");
    } finally {
      grower.kill();
    }
  });

  test("a service that dies during the capture is a clear error", () => {
    const result = heap("capture", "--interval", "5", "--out", path.join(dir, "dead"), "--", "node", "-e", "setTimeout(() => process.exit(3), 300)");
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, /leaklint heap: the service exited during the capture/);
  });
});

const SERVICE_TS = `import { EventEmitter } from "node:events";

interface Request {
  id: number;
  user: string;
}

export const jobs: Map<number, Request> = new Map();

export function handleRequest(req: Request): void {
  jobs.set(req.id, req);
  setInterval((): string => req.user, 60000);
}
`;

describe("leaklint heap diff on compiled TypeScript (source map)", () => {
  test("places growth in the .ts file and confirms the finding there", () => {
    const ts_dir = project({ "src/service.ts": SERVICE_TS });
    const out = ts.transpileModule(SERVICE_TS, { fileName: "service.ts", compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true } });
    const map = JSON.parse(out.sourceMapText!);
    map.sources = ["../src/service.ts"];
    fs.mkdirSync(path.join(ts_dir, "dist"));
    fs.writeFileSync(path.join(ts_dir, "dist", "service.js"), out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, "//# sourceMappingURL=service.js.map"));
    fs.writeFileSync(path.join(ts_dir, "dist", "service.js.map"), JSON.stringify(map));
    const driver = DRIVER.replace('require(dir + "/service.js")', 'require(dir + "/dist/service.js")').replace(/handleBounded\(req\);|if \(late\) remember\(req\);/g, "").replace(", handleBounded, remember", "");
    execFileSync(process.execPath, ["-e", driver, ts_dir]);
    const result = spawnSync(process.execPath, [BIN, "heap", "diff", "base.heapsnapshot", "target.heapsnapshot", "final.heapsnapshot", "-f", "json"], { cwd: ts_dir, encoding: "utf8" });
    assert.equal(result.status, 1, result.stderr);
    const findings = JSON.parse(result.stdout) as Finding[];
    const source = path.join(ts_dir, "src", "service.ts");
    const lines = SERVICE_TS.split("\n");
    const jobs = findings.find((f) => f.runtime.retainerPath.startsWith("jobs (Map)"));
    assert.equal(jobs?.filePath, source, JSON.stringify(findings, null, 1));
    assert.match(lines[jobs!.line - 1], /export const jobs/);
    const interval = findings.find((f) => f.ruleId === "uncleared-interval");
    assert.equal(interval?.filePath, source);
    assert.equal(interval?.confirmed, true);
    assert.match(lines[interval!.line - 1], /setInterval/);
  });
});
