// Command scope: in a command-line package (see package-role.ts) the process ends with the command,
// and with it every descriptor, stream and connection the command opened. A resource acquired once
// there is released by the exit; only one acquired again and again within the command — in a loop,
// per item, per poll, in a server's handler (a `dev` or `serve` command) — piles up.
import type ts from "typescript";
import type { Facts } from "../core/facts";
import { commandLinePackage } from "./package-role";
import { repeatsPerItem } from "./repetition";

/** The code at `node` runs in a command-line package and nothing shows it repeats within the command. */
export function endsWithCommand(facts: Facts, node: ts.Node): boolean {
  return facts.analysis(commandLinePackage) && !repeatsPerItem(facts, node);
}
