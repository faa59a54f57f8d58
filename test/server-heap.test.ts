// The editor's "Confirm with heap snapshots…" over real LSP (stdio): `workspace/executeCommand`
// `leaklint.heapDiff` on three real V8 snapshots of a small service answers with the
// findings of `leaklint heap diff --format json` (a confirmed static finding and a
// runtime-growth), run in a child of the server; bad arguments and an untrusted workspace
// get an error, never a crash.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { before, describe, test } from "node:test";
import { TestClient } from "./lib/lsp-client";
import { scratchProjects } from "./lib/scratch";

const SERVICE = `"use strict";
const sessions = new Map();

function handleRequest(req) {
  setInterval(() => req.user, 60000);
  sessions.set(req.id, { user: req.user, seen: Date.now() });
}
module.exports = { handleRequest };
`;

/** 20 calls, base, 400, target, 400, final. */
const DRIVER = `
const v8 = require("node:v8");
const [dir] = process.argv.slice(1);
const { handleRequest } = require(dir + "/service.js");
let next = 0;
const load = (n) => { for (let i = 0; i < n; i++, next++) handleRequest({ id: next, user: "user-" + next }); };
load(20);
for (const name of ["base", "target", "final"]) {
  if (name !== "base") load(400);
  v8.writeHeapSnapshot(dir + "/" + name + ".heapsnapshot");
}
process.exit(0);
`;

interface Result {
  findings: Array<{ filePath: string; ruleId: string; line: number; confirmed: boolean; runtime: { countDelta: number; retainerPath: string } }>;
  error?: string;
}

describe("language server: leaklint.heapDiff", () => {
  const project = scratchProjects("leaklint-server-heap-");
  let dir = "";
  let snapshots: string[] = [];
  before(() => {
    dir = project({ "service.js": SERVICE });
    execFileSync(process.execPath, ["-e", DRIVER, dir]);
    snapshots = ["base", "target", "final"].map((name) => path.join(dir, `${name}.heapsnapshot`));
  });

  const heapDiff = (client: TestClient, argument: unknown) =>
    client.connection.sendRequest<Result>("workspace/executeCommand", { command: "leaklint.heapDiff", arguments: [argument] });

  test("answers with the confirmed finding and the runtime growth", async () => {
    const client = await TestClient.start({ root: dir, initializationOptions: { trusted: true } });
    try {
      assert.ok(client.capabilities.executeCommandProvider?.commands.includes("leaklint.heapDiff"));
      const result = await heapDiff(client, { snapshots });
      assert.equal(result.error, undefined);
      const service = path.join(dir, "service.js");
      const byLine = new Map(result.findings.filter((f) => f.filePath === service).map((f) => [f.line, f]));
      assert.equal(byLine.get(5)?.ruleId, "uncleared-interval", JSON.stringify(result.findings));
      assert.equal(byLine.get(5)?.confirmed, true);
      assert.ok(byLine.get(5)!.runtime.countDelta >= 800);
      assert.equal(byLine.get(2)?.ruleId, "runtime-growth");
      assert.equal(byLine.get(2)?.runtime.retainerPath, "sessions (Map) → table");

      const two = await heapDiff(client, { snapshots: snapshots.slice(0, 2) });
      assert.ok(two.findings.some((f) => f.line === 5 && f.confirmed), JSON.stringify(two));

      for (const bad of [undefined, { snapshots: [snapshots[0]] }, { snapshots: ["base.heapsnapshot", "target.heapsnapshot"] }]) {
        const answer = await heapDiff(client, bad);
        assert.deepEqual(answer.findings, []);
        assert.match(answer.error ?? "", /expects \{ snapshots: \[base, target, final\?\] \}/);
      }
      const unreadable = await heapDiff(client, { snapshots: [path.join(dir, "service.js"), snapshots[1]] });
      assert.deepEqual(unreadable.findings, []);
      assert.match(unreadable.error ?? "", /leaklint heap: .*service\.js/);
    } finally {
      await client.stop();
    }
  });

  test("refuses in an untrusted workspace", async () => {
    const client = await TestClient.start({ root: dir, initializationOptions: {} });
    try {
      const result = await heapDiff(client, { snapshots });
      assert.deepEqual(result.findings, []);
      assert.match(result.error ?? "", /trusted workspace/);
    } finally {
      await client.stop();
    }
  });
});
