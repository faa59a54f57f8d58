// The pool leak of examples/leaky-service on a real PostgreSQL (`npm run test:runtime`, part of
// test:all): scripts/pg.sh starts a throwaway cluster, the service runs with DATABASE_URL, and
// the failure path of POST /orders (the leak: no release when the insert fails) and of its
// twin POST /orders-ok are driven the same number of times. The leaky pool must run dry —
// every client checked out, later requests waiting and then timing out — as in the
// post-mortems; the twin's pool must not. Without PostgreSQL the test fails; it never skips.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { REPO_ROOT } from "../lib/fixtures";

const EXAMPLE = path.join(REPO_ROOT, "examples", "leaky-service");
const PG_SH = path.join(EXAMPLE, "scripts", "pg.sh");
const POOL_MAX = 4; // as in src/resource/db.ts
const FAILURES = 2 * POOL_MAX; // failing orders sent to each endpoint
const BAD_ORDER = { userId: 1, sku: "" }; // violates the schema's check (sku <> '')

type PoolStats = { total: number; idle: number; waiting: number };

async function post(base: string, route: string, body: unknown): Promise<number> {
  const res = await fetch(new URL(route, base), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

async function stats(base: string): Promise<Record<"orders" | "ordersOk", PoolStats>> {
  const res = await fetch(new URL("/db/stats", base));
  assert.equal(res.status, 200, "GET /db/stats");
  return (await res.json()) as Record<"orders" | "ordersOk", PoolStats>;
}

/** Starts the built service and resolves with its URL once it prints that it listens. */
function startService(dist: string, databaseUrl: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [path.join(dist, "server.js")], {
    cwd: EXAMPLE,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "0", NODE_PATH: path.join(REPO_ROOT, "node_modules") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`leaky-service did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, base: match[1] });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`leaky-service exited ${code}:\n${output}`));
    });
  });
}

describe("the example's pool leak on a real PostgreSQL", () => {
  // built apart from dist/, which example-heap.test builds at the same time
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-example-pg-"));
  let cluster = "";
  let service: ChildProcess | undefined;
  let base = "";
  const leaky = { statuses: [] as number[], during: undefined as PoolStats | undefined, after: undefined as PoolStats | undefined, good: 0 };
  const twin = { statuses: [] as number[], after: undefined as PoolStats | undefined, good: 0 };

  before(async () => {
    const pg = spawnSync("bash", [PG_SH, "start"], { encoding: "utf8" });
    assert.equal(pg.status, 0, `PostgreSQL could not be started by examples/leaky-service/scripts/pg.sh (install Debian \`postgresql\`; .ci/run does):\n${pg.stderr}`);
    const vars = Object.fromEntries(pg.stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    cluster = vars.PG_DIR;
    assert.match(vars.DATABASE_URL ?? "", /^postgres:\/\/.+@127\.0\.0\.1:\d+\//, pg.stdout);
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(EXAMPLE, "tsconfig.build.json"), "--outDir", dist], { stdio: "inherit" });
    ({ child: service, base } = await startService(dist, vars.DATABASE_URL));

    // The twin first, then the leak: FAILURES concurrent failing orders each.
    twin.statuses = await Promise.all(Array.from({ length: FAILURES }, () => post(base, "/orders-ok", BAD_ORDER)));
    twin.after = (await stats(base)).ordersOk;
    twin.good = await post(base, "/orders-ok", { userId: 1, sku: "tea" });

    const pending = Promise.all(Array.from({ length: FAILURES }, () => post(base, "/orders", BAD_ORDER)));
    await new Promise((resolve) => setTimeout(resolve, 500)); // the checkout timeout is 2 s
    leaky.during = (await stats(base)).orders;
    leaky.statuses = await pending;
    leaky.after = (await stats(base)).orders;
    leaky.good = await post(base, "/orders", { userId: 1, sku: "tea" });
  });

  test("the leaky endpoint runs its pool dry: all clients checked out, later requests wait, then time out", () => {
    assert.deepEqual(leaky.during, { total: POOL_MAX, idle: 0, waiting: FAILURES - POOL_MAX }, "pool while requests are waiting");
    assert.deepEqual([...leaky.statuses].sort(), [...Array(POOL_MAX).fill(500), ...Array(FAILURES - POOL_MAX).fill(503)], "failed inserts (500), then checkout timeouts (503)");
    assert.deepEqual(leaky.after, { total: POOL_MAX, idle: 0, waiting: 0 }, "pool after the failures");
    assert.equal(leaky.good, 503, "a valid order on the dry pool times out waiting for a client");
  });

  test("its twin releases on failure: nothing waits, the pool stays usable", () => {
    assert.deepEqual(twin.statuses, Array(FAILURES).fill(500), "every failing order fails on its insert, none on checkout");
    assert.ok(twin.after, "twin stats");
    assert.equal(twin.after.waiting, 0);
    assert.equal(twin.after.idle, twin.after.total, `clients checked out after the failures: ${JSON.stringify(twin.after)}`);
    assert.ok(twin.after.total >= 1 && twin.after.total <= POOL_MAX);
    assert.equal(twin.good, 200, "a valid order on the twin's pool");
  });

  after(() => {
    service?.kill();
    if (cluster) execFileSync("bash", [PG_SH, "stop", cluster], { stdio: "inherit" });
    fs.rmSync(dist, { recursive: true, force: true });
  });
});
