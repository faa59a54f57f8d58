// The config's `resources` and `pools` entries extend the resource rules' tables: a
// user-declared acquisition is reported like a built-in one, and only when declared.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type EngineSettings, lintText } from "leaklint";
import { allRules } from "./lib/fixtures";

function ruleIds(text: string, settings: EngineSettings): string[] {
  return lintText("/virtual/config-case.ts", text, { rules: allRules(), settings }).map((d) => `${d.ruleId}@${d.startPos.line}`);
}

const EMPTY: EngineSettings = { resources: [], listeners: [], pools: [] };

describe("resource settings from the config", () => {
  const cursorCode = [
    'import { openCursor } from "my-db";',
    "export function scan(table: string): void {",
    "  const cursor = openCursor(table);",
    "  cursor.next();",
    "}",
  ].join("\n");

  test("a `resources` entry without a kind is a stream", () => {
    const settings = { ...EMPTY, resources: [{ module: "my-db", call: "openCursor", release: ["close"] }] };
    assert.deepEqual(ruleIds(cursorCode, settings), ["unclosed-stream@3"]);
    assert.deepEqual(ruleIds(cursorCode, EMPTY), []);
  });

  test("the release methods of the entry settle it", () => {
    const settings = { ...EMPTY, resources: [{ module: "my-db", call: "openCursor", release: ["next"] }] };
    assert.deepEqual(ruleIds(cursorCode, settings), []);
  });

  test("a `client` entry feeds client-per-request", () => {
    const code = [
      'import { Client } from "my-db";',
      "export async function handler(req: unknown, res: { send(v: unknown): void }): Promise<void> {",
      "  const db = new Client();",
      "  res.send(await db.get(req));",
      "}",
    ].join("\n");
    const settings: EngineSettings = { ...EMPTY, resources: [{ module: "my-db", call: "Client", release: ["close"], kind: "client" }] };
    assert.deepEqual(ruleIds(code, settings), ["client-per-request@3"]);
  });

  test("a `pools` entry feeds unreleased-connection", () => {
    const code = [
      'import { createPool } from "my-pool";',
      "const pool = createPool();",
      "export async function run(): Promise<void> {",
      "  const lease = await pool.borrow();",
      "  await lease.work();",
      "}",
    ].join("\n");
    const settings = { ...EMPTY, pools: [{ module: "my-pool", acquire: "borrow", release: ["giveBack"] }] };
    assert.deepEqual(ruleIds(code, settings), ["unreleased-connection@4"]);
    assert.deepEqual(ruleIds(code, EMPTY), []);
  });
});
