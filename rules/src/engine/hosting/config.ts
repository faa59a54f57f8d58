// Configuration: found as leaklint.config.json, .leaklintrc.json or the "leaklint"
// key of package.json (nearest to the lint root, walking up), read as JSONC (comments
// and trailing commas allowed, except in package.json), validated against the
// JSON schema the extension also registers, and normalised into rule settings.
// Every problem is a ConfigError naming the file, the JSON path and what is wrong.
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import fs from "node:fs";
import path from "node:path";
import configSchema from "./leaklint.config.schema.json";
import { parseJsonc } from "./jsonc";
import type { ResolvedRule, RuleModule } from "../core/rule";
import type { EngineSettings, RuleSetting, Severity, SeveritySetting } from "../core/types";

export type { ResolvedRule };

/** The severity of a rule whose module declares no `meta.defaultSeverity` (a plugin's, say). */
export const PLUGIN_DEFAULT_SEVERITY: Severity = "warning";

export const CONFIG_FILE_NAMES = ["leaklint.config.json", ".leaklintrc.json"];

export interface LeaklintConfig {
  /** The file it came from, or undefined for the defaults. */
  file?: string;
  /** Directory that `ignores` are relative to. */
  baseDir: string;
  rules: Record<string, RuleSetting>;
  ignores: string[];
  reportUnusedDirectives: boolean;
  settings: EngineSettings;
  /** `overrides` entries: rule settings for the files their globs match, applied in order after the built-in ones. */
  overrides: Array<{ files: string[]; rules: Record<string, RuleSetting> }>;
  /** False drops the built-in overrides (growth, timer and listener rules off in test files). */
  builtinOverrides: boolean;
}

export class ConfigError extends Error {
  constructor(readonly file: string, readonly jsonPath: string, readonly problem: string) {
    super(`${file}: ${jsonPath ? `${jsonPath}: ` : ""}${problem}`);
    this.name = "ConfigError";
  }
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validateConfig = ajv.compile(configSchema);
const optionValidators = new WeakMap<RuleModule, ValidateFunction>();

export function defaultConfig(baseDir: string): LeaklintConfig {
  return {
    baseDir, rules: {}, ignores: [], reportUnusedDirectives: false, settings: { resources: [], listeners: [], pools: [] }, overrides: [], builtinOverrides: true,
  };
}

/** The nearest config file at or above `startDir`, or undefined. */
export function findConfigFile(startDir: string): string | undefined {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(withoutByteOrderMark(fs.readFileSync(pkg, "utf8"))).leaklint !== undefined) return pkg;
      } catch {
        // A broken package.json is not ours to report.
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function loadConfigFile(file: string, rules: readonly RuleModule[]): LeaklintConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(file, "", `cannot read the file (${(error as Error).message})`);
  }
  let raw: unknown;
  try {
    const content = withoutByteOrderMark(text);
    raw = path.basename(file) === "package.json" ? JSON.parse(content) : parseJsonc(content);
  } catch (error) {
    throw new ConfigError(file, "", `invalid JSON: ${(error as Error).message}`);
  }
  if (path.basename(file) === "package.json") raw = (raw as Record<string, unknown>).leaklint;
  return parseConfig(raw, file, rules);
}

/** Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses. */
function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseConfig(raw: unknown, file: string, rules: readonly RuleModule[]): LeaklintConfig {
  if (!validateConfig(raw)) throw new ConfigError(file, jsonPathOf(validateConfig.errors?.[0]), describe(validateConfig.errors?.[0]));
  const input = raw as {
    rules?: Record<string, unknown>;
    ignores?: string[];
    reportUnusedDirectives?: boolean;
    resources?: EngineSettings["resources"];
    listeners?: EngineSettings["listeners"];
    pools?: EngineSettings["pools"];
    overrides?: Array<{ files: string[]; rules?: Record<string, unknown> }>;
    builtinOverrides?: boolean;
  };
  const overrides = (input.overrides ?? []).map((o, i) => ({ files: o.files, rules: ruleSettingsOf(o.rules ?? {}, rules, file, `overrides[${i}].rules`) }));
  return {
    file,
    baseDir: path.dirname(file),
    rules: ruleSettingsOf(input.rules ?? {}, rules, file, "rules"),
    ignores: input.ignores ?? [],
    reportUnusedDirectives: input.reportUnusedDirectives ?? false,
    settings: { resources: input.resources ?? [], listeners: input.listeners ?? [], pools: input.pools ?? [] },
    overrides,
    builtinOverrides: input.builtinOverrides ?? true,
  };
}

function ruleSettingsOf(raw: Record<string, unknown>, rules: readonly RuleModule[], file: string, at: string): Record<string, RuleSetting> {
  const result: Record<string, RuleSetting> = {};
  for (const [id, value] of Object.entries(raw)) {
    const rule = rules.find((r) => r.id === id);
    if (!rule) throw new ConfigError(file, `${at}.${id}`, `unknown rule "${id}"`);
    const [severity, options] = Array.isArray(value) ? value : [value, undefined];
    if (options !== undefined) checkRuleOptions(rule, options, file, `${at}.${id}[1]`);
    result[id] = { severity: severity as SeveritySetting, options: options as Record<string, unknown> | undefined };
  }
  return result;
}

function checkRuleOptions(rule: RuleModule, options: unknown, file: string, at: string): void {
  let validate = optionValidators.get(rule);
  if (!validate) {
    validate = ajv.compile(rule.schema);
    optionValidators.set(rule, validate);
  }
  if (!validate(options)) {
    const inner = jsonPathOf(validate.errors?.[0]);
    throw new ConfigError(file, inner ? `${at}.${inner}` : at, describe(validate.errors?.[0]));
  }
}

function jsonPathOf(error: ErrorObject | undefined): string {
  if (!error) return "";
  const parts = error.instancePath.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return "invalid configuration";
  if (error.keyword === "additionalProperties") return `unknown property "${String(error.params.additionalProperty)}"`;
  if (error.keyword === "enum") return `must be one of ${(error.params.allowedValues as string[]).map((v) => JSON.stringify(v)).join(", ")}`;
  if (error.keyword === "required") return `missing required property "${String(error.params.missingProperty)}"`;
  if (error.keyword === "oneOf") return `must be a severity ("off", "warn", "error", "info") or [severity, options]`;
  return error.message ?? "invalid value";
}

/** Applies defaults, the config and then overrides (CLI `--rule`, editor settings), in that order. */
export function resolveRules(
  rules: readonly RuleModule[],
  config: LeaklintConfig,
  overrides: Record<string, SeveritySetting> = {},
): ResolvedRule[] {
  const resolved: ResolvedRule[] = [];
  for (const rule of rules) {
    const setting = config.rules[rule.id];
    const severitySetting = overrides[rule.id] ?? setting?.severity;
    const severity = severitySetting === undefined ? rule.meta.defaultSeverity ?? PLUGIN_DEFAULT_SEVERITY : toSeverity(severitySetting);
    if (severity === undefined) continue;
    const options = { ...(rule.defaultOptions as object), ...(setting?.options ?? {}) };
    resolved.push({ rule, severity, options });
  }
  return resolved;
}

export function toSeverity(setting: SeveritySetting): Severity | undefined {
  switch (setting) {
    case "off":
      return undefined;
    case "warn":
      return "warning";
    default:
      return setting;
  }
}
