// The run-time story on the example service (`npm run test:runtime`, part of test:all):
// build examples/leaky-service, start it under `leaklint heap capture` with the inspector,
// drive scripts/load.js between the three snapshots, and check the report. Every leak the
// load exercises must be confirmed at run time, no correct twin may show growth, and with
// `listener-not-removed` switched off the listener growth must come back as runtime-growth.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { REPO_ROOT } from "../lib/fixtures";

const EXAMPLE = path.join(REPO_ROOT, "examples", "leaky-service");
const BIN = path.join(REPO_ROOT, "rules", "bin", "leaklint.js");
const REACH = 6; // as in example.test.ts: a marker annotates code up to this many lines below it
const ROUNDS = 600; // more than the bounded cache holds (500), so one load turns it over

/** The markers whose endpoints scripts/load.js calls: `file` + the marker's text. */
const EXERCISED_LEAKS = [
  ["growth/sessions.ts", "one entry per session id"],
  ["growth/sessions.ts", "request objects kept as keys"],
  ["listener/events.ts", "a listener on the module-level bus per request"],
  ["timers/metrics.ts", "an interval per request"],
] as const;
const EXERCISED_TWINS = [
  ["growth/sessions.ts", "bounded, evicting the oldest"],
  ["growth/sessions.ts", "a WeakMap does not keep"],
  ["growth/sessions.ts", "counters reset every minute"],
  ["listener/events.ts", "removed when the client goes away"],
  ["timers/metrics.ts", "cleared when the response closes"],
] as const;

interface Finding {
  filePath: string;
  ruleId: string;
  line: number;
  confirmed: boolean;
  runtime: { countDelta: number; retainedSizeDelta: number; retainerPath: string };
}

function markerLine(file: string, text: string): number {
  const lines = fs.readFileSync(path.join(EXAMPLE, "src", file), "utf8").split("\n");
  const index = lines.findIndex((l) => /\/\/\s*(LEAK|OK):/.test(l) && l.includes(text));
  assert.ok(index >= 0, `no marker "${text}" in ${file}`);
  return index + 1;
}

function near(findings: Finding[], file: string, line: number): Finding[] {
  const abs = path.join(EXAMPLE, "src", file);
  return findings.filter((f) => f.filePath === abs && f.line >= line && f.line - line <= REACH);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function heap(args: string[], env: NodeJS.ProcessEnv = process.env): Finding[] {
  const run = spawnSync(process.execPath, [BIN, "heap", args[0], "--format", "json", ...args.slice(1)], { cwd: EXAMPLE, env, encoding: "utf8", maxBuffer: 1 << 26 });
  assert.equal(run.status, 1, `leaklint heap ${args.join(" ")} exited ${run.status}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Finding[];
}

describe("leaklint heap capture on the example service", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-example-heap-"));
  let findings: Finding[] = [];

  before(async () => {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(EXAMPLE, "tsconfig.build.json")], { stdio: "inherit" });
    const env = { ...process.env, PORT: String(await freePort()) };
    findings = heap(["capture", "--out", out, "--load", `node scripts/load.js --rounds ${ROUNDS}`, "--", "node", "dist/server.js"], env);
  });

  test("writes the three snapshots", () => {
    for (const name of ["base", "target", "final"]) assert.ok(fs.statSync(path.join(out, `${name}.heapsnapshot`)).size > 1_000_000, `${name} snapshot`);
  });

  test("every leak the load exercises is confirmed at run time", () => {
    for (const [file, text] of EXERCISED_LEAKS) {
      const confirmed = near(findings, file, markerLine(file, text)).filter((f) => f.confirmed && f.ruleId !== "runtime-growth");
      assert.equal(confirmed.length, 1, `${file} "${text}": ${JSON.stringify(findings.map((f) => `${f.filePath}:${f.line} ${f.ruleId}`))}`);
      assert.ok(confirmed[0].runtime.countDelta >= ROUNDS, `${file} "${text}": only ${confirmed[0].runtime.countDelta} new objects`);
    }
  });

  test("no correct twin shows growth, and all growth is explained by a static finding", () => {
    for (const [file, text] of EXERCISED_TWINS) assert.deepEqual(near(findings, file, markerLine(file, text)), [], `${file} "${text}"`);
    assert.deepEqual(findings.filter((f) => !f.confirmed).map((f) => `${path.relative(EXAMPLE, f.filePath)}:${f.line} ${f.runtime.retainerPath}`), []);
  });

  test("with listener-not-removed off, the listener growth is runtime-growth at the registration", () => {
    const snapshots = ["base", "target", "final"].map((name) => path.join(out, `${name}.heapsnapshot`));
    const off = heap(["diff", ...snapshots, "--rule", "listener-not-removed:off"]);
    const line = markerLine("listener/events.ts", "a listener on the module-level bus per request");
    const growth = near(off, "listener/events.ts", line);
    assert.equal(growth.length, 1, JSON.stringify(off.map((f) => `${f.filePath}:${f.line} ${f.ruleId}`)));
    assert.equal(growth[0].ruleId, "runtime-growth");
    assert.equal(growth[0].confirmed, false);
    assert.match(growth[0].runtime.retainerPath, /bus \(EventEmitter\) → _events/);
    // the other leaks stay confirmed
    assert.equal(off.filter((f) => f.confirmed).length, findings.filter((f) => f.confirmed).length - 1);
  });

  after(() => fs.rmSync(out, { recursive: true, force: true }));
});
