// Settings per document, vscode-eslint style: pulled with `workspace/configuration`
// and a `scopeUri` (so folder and language overrides apply), cached by URI, cleared on
// `didChangeConfiguration` and when the document closes. Clients without
// `workspace/configuration` get the settings last pushed with didChangeConfiguration.
import type { LeaklintConfig, SeveritySetting } from "leaklint";
import { DEFAULT_SETTINGS, type LeaklintSettings, type RunMode, type SeverityOverride } from "./protocol";

const SEVERITIES = new Set<string>(["off", "warn", "error", "info"]);

export class SettingsCache {
  private readonly cache = new Map<string, Promise<LeaklintSettings>>();
  private pushed: LeaklintSettings = DEFAULT_SETTINGS;

  constructor(private readonly pull: ((scopeUri: string) => Promise<unknown>) | undefined) {}

  get(uri: string): Promise<LeaklintSettings> {
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.pull
        ? this.pull(uri).then(normalizeSettings, () => DEFAULT_SETTINGS)
        : Promise.resolve(this.pushed);
      this.cache.set(uri, settings);
    }
    return settings;
  }

  /** didChangeConfiguration: forget everything (and remember pushed settings for pull-less clients). */
  changed(pushed: unknown): void {
    this.cache.clear();
    const section = (pushed as { leaklint?: unknown } | undefined)?.leaklint;
    if (section !== undefined) this.pushed = normalizeSettings(section);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

/** Accepts whatever the client sent; unknown or mistyped values fall back to the defaults. */
export function normalizeSettings(raw: unknown): LeaklintSettings {
  const input = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, SeverityOverride> = {};
  if (input.rules && typeof input.rules === "object") {
    for (const [id, value] of Object.entries(input.rules as Record<string, unknown>)) {
      if (typeof value === "string" && SEVERITIES.has(value)) rules[id] = value as SeverityOverride;
    }
  }
  return {
    enable: typeof input.enable === "boolean" ? input.enable : DEFAULT_SETTINGS.enable,
    run: input.run === "onSave" || input.run === "onType" ? (input.run as RunMode) : DEFAULT_SETTINGS.run,
    rules,
    configFile: typeof input.configFile === "string" && input.configFile.trim() !== "" ? input.configFile : null,
    validate: Array.isArray(input.validate) ? input.validate.filter((id): id is string => typeof id === "string") : DEFAULT_SETTINGS.validate,
    useWorkspaceLeaklint: typeof input.useWorkspaceLeaklint === "boolean" ? input.useWorkspaceLeaklint : DEFAULT_SETTINGS.useWorkspaceLeaklint,
    slowAnalysisMs: typeof input.slowAnalysisMs === "number" && input.slowAnalysisMs >= 0 ? input.slowAnalysisMs : DEFAULT_SETTINGS.slowAnalysisMs,
    hideSuppressedFindings: typeof input.hideSuppressedFindings === "boolean" ? input.hideSuppressedFindings : DEFAULT_SETTINGS.hideSuppressedFindings,
  };
}

/**
 * The editor's rule severities that apply on top of a project config: only for rules the
 * config does not set (the project's config wins for rules; the editor settings decide
 * editor behaviour — enable, run, validate, …).
 */
export function editorRuleOverrides(settings: LeaklintSettings, config: LeaklintConfig): Record<string, SeveritySetting> {
  const overrides: Record<string, SeveritySetting> = {};
  for (const [id, severity] of Object.entries(settings.rules)) if (!(id in config.rules)) overrides[id] = severity;
  return overrides;
}
