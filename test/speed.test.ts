// Speed and scale (issue 13) on real projects written to a temp folder, linted by the real CLI
// with the real TypeScript program and `@types/node`: the programs of one run share their
// parsed files; `--concurrency` prints what a single-threaded run prints, byte for byte;
// `--cache` reuses a result only while the file, its program's files and the config stand;
// `--shard i/n` pieces joined by `leaklint merge` are the whole run.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import v8 from "node:v8";
import vm from "node:vm";
import ts from "typescript";
import { type ProjectGroup, createLintUnits, groupByProject, groupProjects, partitionWork, unitFiles } from "leaklint";
import { FIXTURES_DIR, REPO_ROOT } from "./lib/fixtures";
import { BIN, type CliRun, runLeaklint } from "./lib/cli-run";
import { CLEAN, LEAKY, STREAM_LEAK, serverListener, typedProjects } from "./lib/scratch";

const EXAMPLE = path.join(REPO_ROOT, "examples", "leaky-service");
const TSCONFIG = JSON.stringify({
  compilerOptions: { strict: true, target: "ES2022", module: "nodenext", moduleResolution: "nodenext", skipLibCheck: true, noEmit: true },
  include: ["src"],
});
/** A full garbage collection (node:test runs files without --expose-gc). */
const collectGarbage = (): void => {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
};
const tsconfigWith = (options: Record<string, unknown>): string => {
  const base = JSON.parse(TSCONFIG) as { compilerOptions: Record<string, unknown> };
  return JSON.stringify({ ...base, compilerOptions: { ...base.compilerOptions, ...options } });
};
/** Package a's type that package b's finding depends on: a server (from `@types/node`), so `srv.on("upgrade")` per request leaks. */
const SERVER_HOST = `import http from "node:http";\nexport type Host = ReturnType<typeof http.createServer>;\n`;
const PLAIN_HOST = `export type Host = { on(event: string, listener: () => void): void };\n`;
const USES_HOST = serverListener('import type { Host } from "../../a/src/lib.js";');
const POLLER = "export class Poller {\n  start() {\n    setInterval(() => this.poll(), 1000);\n  }\n  poll() {}\n  dispose() {}\n}\n";

const project = typedProjects("leaklint-speed-");

/** Two packages with their own tsconfigs, b typed by a's source, and a loose script outside both. */
function monorepo(): string {
  return project({
    "packages/a/tsconfig.json": TSCONFIG,
    "packages/a/src/lib.ts": SERVER_HOST,
    "packages/b/tsconfig.json": TSCONFIG,
    "packages/b/src/server.ts": USES_HOST,
    "scripts/poll.js": POLLER,
  });
}

const findings = (run: CliRun): string[] => (JSON.parse(run.stdout) as Array<{ filePath: string; ruleId: string; line: number }>)
  .map((f) => `${path.basename(f.filePath)}:${f.line}:${f.ruleId}`);
const fromCache = (run: CliRun): number => Number(/files from cache\s+(\d+)/.exec(run.stderr)?.[1]);

describe("speed and scale", () => {
  test("the programs of one run share parsed files: a package's program reads its dependency's source and the lib files once", () => {
    // b checks exact optional properties: its own program (other options), the same parse.
    const dir = project({
      "packages/a/tsconfig.json": TSCONFIG,
      "packages/a/src/lib.ts": SERVER_HOST,
      "packages/b/tsconfig.json": tsconfigWith({ exactOptionalPropertyTypes: true }),
      "packages/b/src/server.ts": USES_HOST,
    });
    const files = ["packages/a/src/lib.ts", "packages/b/src/server.ts"].map((f) => path.join(dir, f));
    const programs: ts.Program[] = [];
    for (const unit of createLintUnits(files)) for (const _ of unitFiles(unit, (program) => programs.push(program)));
    assert.equal(programs.length, 2);
    const [a, b] = programs;
    const lib = path.join(dir, "packages/a/src/lib.ts");
    assert.ok(b.getSourceFile(lib), "b's program includes a's source");
    assert.equal(b.getSourceFile(lib), a.getSourceFile(lib));
    const libFile = a.getSourceFiles().find((f) => a.isSourceFileDefaultLibrary(f))!;
    assert.equal(b.getSourceFile(libFile.fileName), libFile);
    // Shared, yet each program types its own files: b's finding needs a's server type.
    assert.deepEqual(findings(runLeaklint(dir, ["-f", "json"])), ["server.ts:4:listener-not-removed"]);
  });

  test("a program, and the files only it used, are let go once its files are linted: a run holds one program's memory", async () => {
    const dir = project({
      "packages/a/tsconfig.json": TSCONFIG,
      "packages/a/src/lib.ts": SERVER_HOST,
      "packages/b/tsconfig.json": tsconfigWith({ exactOptionalPropertyTypes: true }),
      "packages/b/src/other.ts": CLEAN,
    });
    const units = createLintUnits(["packages/a/src/lib.ts", "packages/b/src/other.ts"].map((f) => path.join(dir, f)));
    assert.equal(units.length, 2);
    // Linted in a plain function: a suspended async frame could keep its loop's last values alive.
    const lint = (): { program?: WeakRef<ts.Program>; onlyA?: WeakRef<ts.SourceFile> } => {
      const refs: { program?: WeakRef<ts.Program>; onlyA?: WeakRef<ts.SourceFile> } = {};
      for (const item of unitFiles(units[0], (built) => (refs.program = new WeakRef(built)))) refs.onlyA = new WeakRef(item.sourceFile);
      for (const _ of unitFiles(units[1]));
      return refs;
    };
    const { program, onlyA } = lint();
    await new Promise((resolve) => setImmediate(resolve)); // a WeakRef made in this turn holds its target until the turn ends
    collectGarbage();
    assert.equal(program?.deref(), undefined, "a's program is released");
    assert.equal(onlyA?.deref(), undefined, "a's own source file is released once b's program is built");
  });

  test("projects whose tsconfigs differ only in their files share one program; each file keeps its tsconfig and the findings of its project alone", () => {
    const dir = monorepo();
    const files = ["packages/a/src/lib.ts", "packages/b/src/server.ts"].map((f) => path.join(dir, f));
    const units = createLintUnits(files);
    assert.deepEqual(units.map((u) => path.relative(dir, u.tsconfig!)), ["packages/a/tsconfig.json", "packages/b/tsconfig.json"]);
    const programs = new Set<ts.Program>();
    for (const unit of units) for (const _ of unitFiles(unit, (program) => programs.add(program)));
    assert.equal(programs.size, 1);
    const whole = runLeaklint(dir, ["-f", "json", "--debug"]);
    assert.match(whole.stderr, /packages\/b\/src\/server\.ts: typed with packages\/b\/tsconfig\.json/);
    const alone = ["a", "b"].flatMap((p) => findings(runLeaklint(dir, ["-f", "json", "-p", `packages/${p}/tsconfig.json`, `packages/${p}`])));
    assert.deepEqual(findings(whole).filter((f) => !f.startsWith("poll.js")), alone);
    assert.deepEqual(alone, ["server.ts:4:listener-not-removed"]);
  });

  test("projects are grouped only with equal options, without project references, and up to a size", () => {
    const dir = project({
      "a/tsconfig.json": TSCONFIG, "a/src/x.ts": CLEAN,
      "b/tsconfig.json": TSCONFIG, "b/src/x.ts": CLEAN,
      "c/tsconfig.json": tsconfigWith({ lib: ["ES2022", "DOM"] }), "c/src/x.ts": CLEAN,
      "d/tsconfig.json": JSON.stringify({ ...JSON.parse(TSCONFIG), references: [{ path: "../a" }] }), "d/src/x.ts": CLEAN,
      "e/tsconfig.json": TSCONFIG, "e/src/x.ts": CLEAN,
    });
    const projects = ["a", "b", "c", "d", "e"].map((p) => {
      const tsconfig = path.join(dir, p, "tsconfig.json");
      return { tsconfig, parsed: ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })! };
    });
    const names = (groups: ProjectGroup[]): string[][] => groups.map((g) => g.projects.map((p) => path.basename(path.dirname(p.tsconfig))));
    assert.deepEqual(names(groupProjects(projects)), [["a", "b", "e"], ["c"], ["d"]]);
    assert.deepEqual(groupProjects(projects)[0].rootNames.map((f) => path.relative(dir, f)), ["a/src/x.ts", "b/src/x.ts", "e/src/x.ts"]);
    // Two roots' worth of bytes: a third starts a new group.
    assert.deepEqual(names(groupProjects(projects, CLEAN.length * 2)), [["a", "b"], ["c"], ["d"], ["e"]]);
  });

  test("--concurrency prints the same JSON and SARIF, byte for byte, as a single-threaded run: fixtures, example, a typed monorepo", () => {
    const cases = [[FIXTURES_DIR, ".", "json", ["2"]], [EXAMPLE, ".", "sarif", ["2"]], [monorepo(), ".", "json", ["2", "3"]]] as const;
    for (const [cwd, where, format, counts] of cases) {
      const single = runLeaklint(cwd, [where, "-f", format, "--concurrency", "off"]);
      assert.ok(single.stdout.length > 100, single.stderr);
      for (const workers of counts) {
        const parallel = runLeaklint(cwd, [where, "-f", format, "--concurrency", workers]);
        assert.equal(parallel.code, single.code, parallel.stderr);
        assert.equal(parallel.stdout, single.stdout, `${cwd} ${format} --concurrency ${workers}`);
      }
    }
  });

  test("--concurrency takes n, auto or off; anything else is a usage error", () => {
    const dir = monorepo();
    assert.equal(runLeaklint(dir, ["-f", "json", "--concurrency", "auto"]).stdout, runLeaklint(dir, ["-f", "json"]).stdout);
    const bad = runLeaklint(dir, ["--concurrency", "many"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--concurrency expects a positive integer, "auto" or "off", got "many"/);
  });

  test("--cache: a warm run reuses every file; editing a dependency re-lints its dependants; a config change re-lints all", () => {
    const dir = monorepo();
    const run = (): CliRun => runLeaklint(dir, ["-f", "json", "--cache", "--stats"]);
    const cold = run();
    assert.equal(fromCache(cold), 0);
    assert.ok(fs.existsSync(path.join(dir, ".leaklintcache")));
    const warm = run();
    assert.equal(fromCache(warm), 3);
    assert.equal(warm.stdout, cold.stdout);
    // a's type changes: b's finding (which came from it) goes; only the loose script is reused.
    fs.writeFileSync(path.join(dir, "packages/a/src/lib.ts"), PLAIN_HOST);
    const edited = run();
    assert.equal(fromCache(edited), 1);
    assert.deepEqual(findings(edited), ["poll.js:3:uncleared-interval"]);
    assert.equal(edited.stdout, runLeaklint(dir, ["-f", "json"]).stdout);
    fs.writeFileSync(path.join(dir, "leaklint.config.json"), JSON.stringify({ rules: { "uncleared-interval": "warn" } }));
    const reconfigured = run();
    assert.equal(fromCache(reconfigured), 0);
    assert.match(reconfigured.stdout, /"severity": "warning"/);
  });

  test("--cache-location names the cache file; without --cache none is read or written", () => {
    const dir = monorepo();
    runLeaklint(dir, ["-f", "json"]);
    assert.ok(!fs.existsSync(path.join(dir, ".leaklintcache")));
    runLeaklint(dir, ["-f", "json", "--cache", "--cache-location", "tmp/lint.cache"]);
    assert.ok(fs.existsSync(path.join(dir, "tmp/lint.cache")));
    assert.equal(fromCache(runLeaklint(dir, ["-f", "json", "--cache", "--cache-location", "tmp/lint.cache", "--stats"])), 3);
  });

  test("pieces are whole projects first, then slices of files, the same on every call", () => {
    const group = (tsconfig: string | undefined, count: number) => ({ tsconfig, files: Array.from({ length: count }, (_, i) => `/p/${tsconfig ?? "loose"}/${String(i).padStart(2, "0")}.ts`) });
    const groups = [group("a", 5), group("b", 3), group(undefined, 2)];
    assert.deepEqual(partitionWork(groups, 2).map((p) => p.length), [5, 5]);
    assert.deepEqual(partitionWork(groups, 2)[0], groups[0].files);
    assert.deepEqual(partitionWork(groups, 2), partitionWork(groups, 2));
    const sliced = partitionWork([group("a", 5)], 2);
    assert.deepEqual(sliced, [groups[0].files.slice(0, 3), groups[0].files.slice(3)]);
    assert.deepEqual(partitionWork([group("a", 1)], 3).map((p) => p.length), [1, 0, 0]);
    const dir = monorepo();
    assert.deepEqual(groupByProject([path.join(dir, "scripts/poll.js"), path.join(dir, "packages/b/src/server.ts")]).map((g) => g.tsconfig && path.relative(dir, g.tsconfig)),
      ["packages/b/tsconfig.json", undefined]);
  });

  test("--shard i/n: every file in one shard, and `leaklint merge` of the shards' JSON and SARIF is the whole run", () => {
    for (const [cwd, format, count] of [[FIXTURES_DIR, "json", 3], [monorepo(), "sarif", 2]] as const) {
      const whole = runLeaklint(cwd, [".", "-f", format]);
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-shards-"));
      const reports = Array.from({ length: count }, (_, i) => {
        const file = path.join(out, `${i}.${format}`);
        const run = runLeaklint(cwd, [".", "-f", format, "--shard", `${i + 1}/${count}`, "-o", file]);
        assert.ok(run.code === 0 || run.code === 1, run.stderr);
        return file;
      });
      if (format === "json") {
        const perShard = reports.map((file) => (JSON.parse(fs.readFileSync(file, "utf8")) as Array<{ filePath: string }>).map((f) => f.filePath));
        assert.ok(perShard.every((files) => files.length > 0), "each shard has findings");
        const owners = new Map<string, number>();
        perShard.forEach((files, i) => {
          for (const file of files) {
            assert.equal(owners.get(file) ?? i, i, `${file} in two shards`);
            owners.set(file, i);
          }
        });
      }
      const merged = runLeaklint(cwd, ["merge", ...reports]);
      assert.equal(merged.code, 0, merged.stderr);
      assert.equal(merged.stdout, whole.stdout, `${cwd} ${format}`);
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test("bad --shard values and bad merge inputs are usage errors with a clear message", () => {
    const dir = monorepo();
    for (const shard of ["0/2", "3/2", "1", "a/b"]) {
      const run = runLeaklint(dir, ["--shard", shard]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--shard expects <i>\/<n> with 1 ≤ i ≤ n/);
    }
    fs.writeFileSync(path.join(dir, "notes.txt"), "not a report");
    const merge = runLeaklint(dir, ["merge", "notes.txt"]);
    assert.equal(merge.code, 2);
    assert.match(merge.stderr, /leaklint merge: cannot read the report notes.txt/);
    const json = path.join(dir, "a.json");
    const sarif = path.join(dir, "a.sarif");
    runLeaklint(dir, ["-f", "json", "-o", json]);
    runLeaklint(dir, ["-f", "sarif", "-o", sarif]);
    assert.match(runLeaklint(dir, ["merge", json, sarif]).stderr, /a\.sarif is a sarif report, not json/);
    assert.match(runLeaklint(dir, ["merge"]).stderr, /merge needs the reports to join/);
  });

  test("docs/ci.md's sharding recipes run: each shard's command, then merge, give the report of one whole run", () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, "docs/ci.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Sharding"), doc.indexOf("\n## ", doc.indexOf("## Sharding") + 1));
    const commands = [...section.matchAll(/npx --no leaklint ([^\n]+)/g)].map((m) => m[1].trim().replaceAll("${{ matrix.shard }}", "$SHARD").split(/ +/));
    assert.ok(commands.filter((c) => c[0] === "merge").length >= 2 && commands.filter((c) => c.includes("--shard")).length >= 3, "the section has shard and merge commands");
    const dir = project({ "src/a.ts": LEAKY, "src/b.ts": STREAM_LEAK, "src/c.ts": LEAKY, "src/d.ts": STREAM_LEAK, "src/e.ts": LEAKY });
    const count = 4;
    for (const command of commands.filter((c) => c[0] !== "merge")) {
      for (let shard = 1; shard <= count; shard++) {
        const args = command.map((a) => a.replace("$SHARD", String(shard)).replace("$CI_NODE_INDEX", String(shard)).replace("$CI_NODE_TOTAL", String(count)));
        const run = runLeaklint(dir, args);
        assert.ok(run.code === 0 || run.code === 1, `${args.join(" ")}: ${run.stderr}`);
      }
    }
    for (const [, ...args] of commands.filter((c) => c[0] === "merge")) {
      const pattern = new RegExp(`^${args[0].replace(".", "\\.").replace("*", "\\d+")}$`);
      const reports = fs.readdirSync(dir).filter((f) => pattern.test(f)).sort();
      assert.equal(reports.length, count, `${args[0]}: one report per shard`);
      const merged = runLeaklint(dir, ["merge", ...reports, ...args.slice(1)]);
      assert.equal(merged.code, 0, merged.stderr);
      const format = args[0].endsWith(".sarif") ? "sarif" : "json";
      const output = args[args.indexOf("--output-file") + 1];
      assert.equal(fs.readFileSync(path.join(dir, output), "utf8"), runLeaklint(dir, ["-f", format]).stdout, `merge ${args.join(" ")}`);
    }
  });

  test("progress is shown on stderr when it is a terminal, whatever the format and wherever the report goes; never in a pipe or under CI", () => {
    const dir = project(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`src/m${String(i).padStart(3, "0")}.ts`, CLEAN])));
    const { CI: _ci, ...env } = process.env;
    // `script` runs the command on a pseudo-terminal and copies what it writes there to its stdout.
    const onTerminal = (command: string): string => {
      const run = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: dir, encoding: "utf8", env });
      assert.equal(run.status, 0, run.stderr);
      return run.stdout;
    };
    const lint = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} -f json`;
    assert.match(onTerminal(`${lint} -o out.json`), /leaklint: 300\/300 files\r?\n/);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")), []);
    // stdout to a file, stderr on the terminal: the report stays clean JSON.
    assert.match(onTerminal(`${lint} > piped.json`), /leaklint: 300\/300 files/);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "piped.json"), "utf8")), []);
    const piped = spawnSync(process.execPath, [BIN, "-f", "json"], { cwd: dir, encoding: "utf8", env });
    assert.equal(piped.status, 0, piped.stderr);
    assert.doesNotMatch(piped.stderr, /files/);
    assert.doesNotMatch(onTerminal(`CI=true ${lint} -o ci.json`), /files/);
  });
});
