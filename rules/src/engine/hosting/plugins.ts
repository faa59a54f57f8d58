// Plugin rules: extra rule modules the CLI loads with `--plugin` and the server with its
// `extraRules` option. They are checked once, when loaded: each must look like a rule
// module, and its id must be new — a plugin rule named like a built-in (or like another
// plugin's rule) would make every config entry, directive and `--rule` for that id
// ambiguous, so it is a configuration error naming both. A plugin rule without
// `meta.defaultSeverity` runs at PLUGIN_DEFAULT_SEVERITY (see `resolveRules`).
import { ConfigError } from "./config";
import type { RuleModule } from "../core/rule";

export { PLUGIN_DEFAULT_SEVERITY } from "./config";

/** Which module each rule id of a run comes from ("built-in" or a plugin's specifier). */
export type RuleSources = Map<string, string>;

export function builtinSources(rules: readonly RuleModule[]): RuleSources {
  return new Map(rules.map((rule) => [rule.id, "built-in"]));
}

/**
 * The rule modules a plugin exports, checked against the rules already known (which
 * `sources` records and this extends). Throws a ConfigError naming the plugin, the rule
 * and what is wrong. `firstIndex` is the index of the first candidate in the plugin's list.
 */
export function checkPluginRules(plugin: string, candidates: readonly unknown[], sources: RuleSources, firstIndex = 0): RuleModule[] {
  return candidates.map((candidate, index) => {
    const at = `rules[${firstIndex + index}]`;
    if (!isRuleModule(candidate)) throw new ConfigError(plugin, at, "not a rule module (needs a string id, meta and create())");
    const owner = sources.get(candidate.id);
    if (owner !== undefined) {
      const other = owner === "built-in" ? `the built-in rule "${candidate.id}"` : `rule "${candidate.id}" of ${owner}`;
      throw new ConfigError(plugin, `${at}.id`, `rule "${candidate.id}" has the same id as ${other}`);
    }
    sources.set(candidate.id, plugin);
    return candidate;
  });
}

function isRuleModule(value: unknown): value is RuleModule {
  if (typeof value !== "object" || value === null) return false;
  const rule = value as Partial<RuleModule>;
  return typeof rule.id === "string" && rule.id.length > 0 && typeof rule.create === "function" && typeof rule.meta === "object" && rule.meta !== null;
}
