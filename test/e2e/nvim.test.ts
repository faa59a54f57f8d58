// Neovim's built-in LSP client (Debian `neovim` 0.7, headless) against
// `leaklint-lsp --stdio`: proves the server is editor-neutral. The Lua script prints
// the diagnostics and the code actions of the first one.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { REPO } from "./code-server";

test("Neovim shows leaklint diagnostics and code actions from leaklint-lsp --stdio", { timeout: 120_000 }, (t) => {
  if (!fs.existsSync("/usr/bin/nvim")) throw new Error("nvim is missing: run test/e2e/setup.sh first");
  const example = path.join(REPO, "examples", "leaky-service");
  const result = spawnSync("nvim", ["--headless", "-i", "NONE", "-u", path.join(REPO, "test", "e2e", "nvim-lsp-check.lua"),
    "src/timers/metrics.ts"], {
    cwd: example,
    env: { ...process.env, LEAK_LSP_SERVER: path.join(REPO, "server", "bin", "leaklint-lsp.js") },
    encoding: "utf8",
    timeout: 100_000,
  });
  t.diagnostic(result.stdout.trim());
  assert.equal(result.status, 0, `nvim exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  const diagnostics = result.stdout.split("\n").filter((line) => line.startsWith("DIAG ") && line.includes("[leaklint/uncleared-interval]"));
  assert.deepEqual(diagnostics.map((line) => /metrics\.ts:(\d+):/.exec(line)![1]), ["7", "19", "35"]);
  const actions = result.stdout.split("\n").filter((line) => line.startsWith("ACTION ")).map((line) => line.slice(7));
  assert.deepEqual(actions, [
    "Clear this.timer in a new dispose()",
    "Disable uncleared-interval for this line",
    "Disable uncleared-interval for the entire file",
    "Show documentation for uncleared-interval",
  ]);
});
