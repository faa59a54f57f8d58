// Command scope: in a command-line package (see package-role.ts) the process ends with the command,
// and with it every descriptor, stream and connection the command opened. A resource acquired once
// there is released by the exit; only one acquired again and again within the command — in a loop,
// per item, per poll, in a server's handler (a `dev` or `serve` command) — piles up. Two kinds of
// code are not "once per command" even there: an object with a teardown (a server the package's API
// or a watch mode stops and starts again), and a reader of `process.stdin`, which keeps the process
// alive — the command cannot end while it is open. A worker thread's script is weighed the same way:
// Node closes the sockets and descriptors a Worker still holds when it exits.
import ts from "typescript";
import type { Facts } from "../core/facts";
import { owners } from "./owners";
import { entryScript, readsWorkerData } from "./entry-script";
import { commandLinePackage } from "./package-role";
import { repeatsPerItem } from "./repetition";

/**
 * The code at `node` runs in a command-line package, once per command — or in a worker thread's
 * script, once per thread (an entry script that reads `workerData`: the Worker's exit closes what it holds) —:
 * nothing shows it repeats, and the exit releases it.
 */
export function endsWithCommand(facts: Facts, node: ts.Node): boolean {
  const perThread = () => readsWorkerData(node.getSourceFile()) && facts.analysis(entryScript);
  if (!(facts.analysis(commandLinePackage) || perThread()) || repeatsPerItem(facts, node)) return false;
  if (facts.analysis(owners).instanceAt(node)?.teardown) return false;
  return !readsStdin(node);
}

/** `readline.createInterface({ input: process.stdin })`, `process.stdin.pipe(…)`: open, it keeps the process alive. */
function readsStdin(node: ts.Node): boolean {
  return /\bprocess\.stdin\b/.test(node.getText());
}
