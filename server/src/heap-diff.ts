// `leaklint.heapDiff`: runs `leaklint heap diff --format json` on the snapshots the editor
// picked, in a child process of this server's own script (the bundled extension has no
// separate CLI), so the snapshots' hundreds of MB never enter the long-lived server.
// The child knows it is one by LEAKLINT_HEAP_ARGS (see main.ts).
import { spawn } from "node:child_process";
import path from "node:path";
import type { HeapDiffResult, HeapFinding } from "./protocol";

export const HEAP_ARGS_ENV = "LEAKLINT_HEAP_ARGS";

/** Checks the command's argument: two or three absolute paths. */
export function heapSnapshotsOf(argument: unknown): string[] | string {
  const snapshots = (argument as { snapshots?: unknown } | undefined)?.snapshots;
  if (!Array.isArray(snapshots) || snapshots.length < 2 || snapshots.length > 3 || !snapshots.every((s) => typeof s === "string" && path.isAbsolute(s))) {
    return "leaklint.heapDiff expects { snapshots: [base, target, final?] } with two or three absolute paths";
  }
  return snapshots as string[];
}

/** Runs the diff in `cwd` (the workspace folder: its config and tsconfigs). */
export function runHeapDiff(snapshots: string[], cwd: string): Promise<HeapDiffResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, [HEAP_ARGS_ENV]: JSON.stringify(["diff", ...snapshots, "--format", "json"]) };
    const child = spawn(process.execPath, [process.argv[1]], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => resolve({ findings: [], error: `cannot run leaklint heap diff: ${error.message}` }));
    child.on("close", (code) => {
      if (code !== 0 && code !== 1) return resolve({ findings: [], error: stderr.trim() || `leaklint heap diff exited with ${code}` });
      try {
        resolve({ findings: JSON.parse(stdout) as HeapFinding[] });
      } catch {
        resolve({ findings: [], error: `leaklint heap diff printed no JSON: ${stderr.trim()}` });
      }
    });
  });
}
