// The host layer: what every host of the engine — the CLI, the language server, the ESLint
// plugin — does the same way, so that they cannot disagree. Which config file applies to a
// file (looked up per linted file, nearest first, as ESLint 10 does, unless one is named),
// loading plugin rule modules, the fix-until-stable loop with its note on rules whose fixes
// do not converge, and where a rule's documentation page comes from. tsconfig selection is
// `TsconfigLookup` (tsconfigs.ts), which every host uses as it is.
import fs from "node:fs";
import path from "node:path";
import ignore from "ignore";
import { type LeaklintConfig, ConfigError, defaultConfig, findConfigFile, loadConfigFile } from "./config";
import { RulesPerFile } from "./overrides";
import { parseLooseFile } from "./project";
import { type RuleSources, checkPluginRules } from "./plugins";
import { fixUntilStable, notConvergedMessage } from "../fixes/fix-loop";
import { ENGINE_RULES, engineDiagnostic } from "../core/linter";
import { docsUrlFor } from "../core/define-rule";
import type { RuleModule } from "../core/rule";
import type { LintDiagnostic, SeveritySetting } from "../core/types";

export interface ConfigLookupOptions {
  rules: readonly RuleModule[];
  /** A config file for every file (`--config`, `leaklint.configFile`), relative to `cwd`. */
  configFile?: string;
  cwd: string;
  /** Severity overrides applied on top of each config (the CLI's `--rule`). */
  overrides?: Record<string, SeveritySetting>;
}

/**
 * Config files per linted file: the named one, else the nearest `leaklint.config.json` /
 * `.leaklintrc.json` / package.json `"leaklint"` at or above the file's folder, else the
 * defaults. Lookups and loaded files are cached until `clear()`; a broken file throws its
 * ConfigError every time it is asked for.
 */
export class ConfigLookup {
  private readonly nearest = new Map<string, string | undefined>();
  private readonly loaded = new Map<string, { config: LeaklintConfig; perFile: RulesPerFile } | ConfigError>();

  constructor(private readonly options: ConfigLookupOptions) {}

  /** The config file that applies to `fileName` (undefined: the defaults). */
  fileFor(fileName: string): string | undefined {
    return this.fileAt(path.dirname(path.resolve(this.options.cwd, fileName)));
  }

  /** The config of `fileName` and its per-file rules; throws the file's ConfigError. */
  for(fileName: string): { config: LeaklintConfig; perFile: RulesPerFile } {
    return this.load(this.fileFor(fileName));
  }

  /** The config of the run's folder itself (what `leaklint` at `cwd` starts from: discovery's ignores). */
  root(): LeaklintConfig {
    return this.load(this.fileAt(path.resolve(this.options.cwd))).config;
  }

  private fileAt(dir: string): string | undefined {
    if (this.options.configFile) return path.resolve(this.options.cwd, this.options.configFile);
    if (!this.nearest.has(dir)) this.nearest.set(dir, findConfigFile(dir));
    return this.nearest.get(dir);
  }

  private load(file: string | undefined): { config: LeaklintConfig; perFile: RulesPerFile } {
    const key = file ?? "";
    let entry = this.loaded.get(key);
    if (!entry) {
      try {
        const config = file ? loadConfigFile(file, this.options.rules) : defaultConfig(this.options.cwd);
        entry = { config, perFile: new RulesPerFile(this.options.rules, config, this.options.overrides) };
      } catch (error) {
        entry = error instanceof ConfigError ? error : new ConfigError(file ?? this.options.cwd, "", String(error));
      }
      this.loaded.set(key, entry);
    }
    if (entry instanceof ConfigError) throw entry;
    return entry;
  }

  clear(): void {
    this.nearest.clear();
    this.loaded.clear();
  }
}

/** Whether the config's `ignores` (relative to its folder) exclude `fileName`. */
export function isIgnoredByConfig(fileName: string, config: LeaklintConfig): boolean {
  const rel = path.relative(config.baseDir, path.resolve(fileName));
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel) || config.ignores.length === 0) return false;
  return ignore().add(config.ignores).ignores(rel.split(path.sep).join("/"));
}

/**
 * The rule modules a plugin module exports: `rules` (an array; also under `default`), an array,
 * or one rule module. A relative specifier is resolved against `baseDir`. Each rule is checked
 * (plugins.ts); a rejected one throws its ConfigError, unless `onRejected` takes it (the server,
 * which has no exit code to fail with, logs it and keeps the plugin's other rules).
 */
export function loadPlugin(specifier: string, baseDir: string, sources: RuleSources, onRejected?: (error: ConfigError) => void): RuleModule[] {
  const resolved = specifier.startsWith(".") || path.isAbsolute(specifier) ? path.resolve(baseDir, specifier) : specifier;
  const name = `plugin "${specifier}"`;
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(resolved);
  } catch (error) {
    throw new ConfigError(name, "", `cannot be loaded: ${(error as Error).message}`);
  }
  const value = (exported as { default?: unknown }).default ?? exported;
  const list = (exported as { rules?: unknown }).rules ?? (value as { rules?: unknown } | undefined)?.rules
    ?? (Array.isArray(value) ? value : isObjectWithCreate(value) ? [value] : undefined);
  if (!Array.isArray(list)) throw new ConfigError(name, "", "must export `rules`: an array of rule modules");
  if (!onRejected) return checkPluginRules(name, list, sources);
  return list.flatMap((candidate, index) => {
    try {
      return checkPluginRules(name, [candidate], sources, index);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      onRejected(error);
      return [];
    }
  });
}

function isObjectWithCreate(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as { create?: unknown }).create === "function";
}

export interface RuleDocumentation {
  ruleId: string;
  url: string;
  /** The rule's page (`<rule-id>.md`), when it can be found. */
  markdown?: string;
}

/**
 * A rule's documentation for `--explain`, hover and "Show rule documentation": its URL and
 * its page, read from the first of `docDirs` that has it (a bundle's `rule-docs/`, the
 * package's own rules folder). Undefined for a rule the run does not know.
 */
export function ruleDocumentation(ruleId: string, rules: readonly RuleModule[], docDirs: readonly string[]): RuleDocumentation | undefined {
  if (!rules.some((rule) => rule.id === ruleId)) return undefined;
  for (const dir of docDirs) {
    try {
      return { ruleId, url: docsUrlFor(ruleId), markdown: fs.readFileSync(path.join(dir, `${ruleId}.md`), "utf8") };
    } catch {
      // not in this folder
    }
  }
  return { ruleId, url: docsUrlFor(ruleId) };
}

export interface FixOutcome {
  text: string;
  /** What remains of the final text, with an engine note naming rules whose fixes did not converge. */
  diagnostics: LintDiagnostic[];
  notConverged: string[];
}

/**
 * Fix until stable, for every host: the bounded loop of fix-loop.ts over `lint(text)` (the
 * host lints the file as if it had that text), with only the safe fixes of `families` (all
 * when undefined) and of rule `onlyRule` (all rules when undefined) applied. Findings whose
 * fixes are held back go through the loop without them and come back with them.
 */
export function fixFile(
  fileName: string,
  original: string,
  lint: (text: string) => LintDiagnostic[],
  options: { first?: LintDiagnostic[]; families?: readonly string[]; onlyRule?: string } = {},
): FixOutcome {
  const { families, onlyRule } = options;
  const originals = new Map<LintDiagnostic, LintDiagnostic>();
  const applies = (d: LintDiagnostic): boolean => (!families || families.includes(d.family)) && (!onlyRule || d.ruleId === onlyRule);
  const only = (found: LintDiagnostic[]): LintDiagnostic[] => (!families && !onlyRule ? found : found.map((d) => {
    if (applies(d) || !d.fixes.some((f) => f.safe)) return d;
    const withoutSafe = { ...d, fixes: d.fixes.filter((f) => !f.safe) };
    originals.set(withoutSafe, d);
    return withoutSafe;
  }));
  const result = fixUntilStable(original, (text) => only(lint(text)), options.first && only(options.first));
  const diagnostics = result.diagnostics.map((d) => originals.get(d) ?? d);
  if (result.notConverged.length === 0) return { text: result.text, diagnostics, notConverged: [] };
  const sourceFile = parseLooseFile(fileName, result.text);
  const note = engineDiagnostic(sourceFile, ENGINE_RULES.fixNotConverged, "warning", notConvergedMessage(result.notConverged), 0, 0);
  return { text: result.text, diagnostics: [note, ...diagnostics], notConverged: result.notConverged };
}
