// Per-file rule settings, the ESLint way: `overrides: [{ files: [globs], rules: {…} }]`
// entries apply, in order, on top of the config's `rules` to the files their globs
// match (gitignore syntax, relative to the config's folder). The built-in test-files
// default is such an entry, applied first, so a user's override can change it:
// growth, timer, listener and context findings are off in test files (their leaks end with
// the test process), and so are unread response bodies; the other resource rules stay on
// (open pools, streams and descriptors make tests flaky or keep the runner from exiting).
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { SCRIPT_FILES_OFF_FAMILIES, SCRIPT_FILE_GLOBS, TEST_FILES_OFF_FAMILIES, TEST_FILES_OFF_RULES, TEST_FILE_GLOBS } from "../analyses/file-kind";
import { type LeaklintConfig, type ResolvedRule, resolveRules } from "./config";
import type { RuleModule } from "../core/rule";
import type { RuleSetting, SeveritySetting } from "../core/types";

export interface ConfigOverride {
  files: readonly string[];
  rules: Record<string, RuleSetting>;
}

/**
 * The overrides leaklint applies before the user's: growth, timer, listener and context rules
 * and unconsumed-response-body off in test files; resource rules off in one-shot scripts
 * (`scripts/`, `examples/`).
 */
export function builtinOverrides(rules: readonly RuleModule[]): ConfigOverride[] {
  const off = (families: readonly string[], ids: readonly string[] = []): Record<string, RuleSetting> => {
    const settings: Record<string, RuleSetting> = {};
    for (const rule of rules) if (families.includes(rule.meta.family) || ids.includes(rule.id)) settings[rule.id] = { severity: "off" };
    return settings;
  };
  return [
    { files: SCRIPT_FILE_GLOBS, rules: off(SCRIPT_FILES_OFF_FAMILIES) },
    { files: TEST_FILE_GLOBS, rules: off(TEST_FILES_OFF_FAMILIES, TEST_FILES_OFF_RULES) },
  ];
}

/** Resolves the rules of each file once per distinct set of matching overrides. */
export class RulesPerFile {
  private readonly overrides: ReadonlyArray<ConfigOverride & { matcher: Ignore }>;
  private readonly cache = new Map<string, ResolvedRule[]>();

  constructor(
    private readonly rules: readonly RuleModule[],
    private readonly config: LeaklintConfig,
    private readonly cliOverrides: Record<string, SeveritySetting> = {},
  ) {
    const all = [...(config.builtinOverrides === false ? [] : builtinOverrides(rules)), ...config.overrides];
    this.overrides = all.map((o) => ({ ...o, matcher: ignore().add([...o.files]) }));
  }

  /** The rules (with severities and options) that apply to `fileName`. */
  for(fileName: string): ResolvedRule[] {
    const relative = this.relative(fileName);
    const matched = this.overrides.filter((o) => o.matcher.ignores(relative));
    const key = matched.map((o) => this.overrides.indexOf(o)).join(",");
    let resolved = this.cache.get(key);
    if (!resolved) {
      const settings = { ...this.config.rules };
      for (const override of matched) {
        for (const [id, setting] of Object.entries(override.rules)) {
          settings[id] = { severity: setting.severity, options: setting.options ?? settings[id]?.options };
        }
      }
      resolved = resolveRules(this.rules, { ...this.config, rules: settings }, this.cliOverrides);
      this.cache.set(key, resolved);
    }
    return resolved;
  }

  private relative(fileName: string): string {
    const rel = path.relative(this.config.baseDir, fileName);
    // Outside the config's folder: match the absolute path (unanchored globs still apply).
    const usable = !rel || rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(fileName).replace(/^([A-Za-z]:)?[/\\]+/, "") : rel;
    return usable.split(path.sep).join("/");
  }
}
