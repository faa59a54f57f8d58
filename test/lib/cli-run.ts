// Runs the built `leaklint` binary as a child process, as a user or a CI job would: the
// CLI tests share it. CI is set (no progress output); the environment can be extended.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "./fixtures";

export const BIN = path.join(REPO_ROOT, "rules", "bin", "leaklint.js");
export const SARIF_SCHEMA = path.join(REPO_ROOT, "node_modules", "@microsoft", "jest-sarif", "lib", "schemas", "sarif-2.1.0-rtm.5.json");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runLeaklint(cwd: string, args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd, encoding: "utf8", input: options.input, env: { ...process.env, CI: "true", ...options.env },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
