// The rules of a CLI run: the built-in ones and those of `--plugin` modules, loaded the same
// way in the main thread and in each `--concurrency` worker.
import path from "node:path";
import { type RuleModule, builtinSources, loadPlugin } from "../engine";
import { rules as builtinRules } from "../index";

export function loadRules(plugins: readonly string[], cwd: string): RuleModule[] {
  const sources = builtinSources(builtinRules);
  return [...builtinRules, ...plugins.flatMap((p) => loadPlugin(p, cwd, sources))];
}

/** Where a `--plugin` specifier loads from (its code is part of the cache's key). */
export function resolvePlugin(specifier: string, cwd: string): string {
  const resolved = specifier.startsWith(".") || path.isAbsolute(specifier) ? path.resolve(cwd, specifier) : specifier;
  return require.resolve(resolved, { paths: [cwd] });
}

