// What the server lints a document with: the rule set (built-in rules, plus extra rule
// modules when the embedder asks and the workspace is trusted), the project's config
// file (cached per file, dropped when a watched config changes) merged with the
// editor settings — the config file wins for rules, settings win for enable/run — and
// a fallback to the defaults when the config is broken, reported but never fatal; and
// the findings the workspace folder's leaklint-suppressions.json (the CLI's baseline)
// suppresses, which the editor shows as such.
import fs from "node:fs";
import path from "node:path";
import {
  type LeaklintConfig, type LintDiagnostic, type LintFileOptions, type RuleModule, ConfigError, ConfigLookup, builtinSources,
  defaultConfig, isIgnoredFile, lintSourceFile, loadPlugin, RulesPerFile, rules as builtInRules,
  SUPPRESSIONS_FILE, type Suppressions, readSuppressions, suppressedFindings, suppressionKey,
} from "leaklint";
import type { AnalysisTarget } from "./projects";
import { EngineResolver, type WorkspaceEngine } from "./engines";
import type { LeaklintSettings } from "./protocol";
import { editorRuleOverrides } from "./settings";

export interface LinterOptions {
  trusted: boolean;
  extraRules: readonly string[];
  log: (key: string, message: string) => void;
}

export class DocumentLinter {
  readonly ruleSet: readonly RuleModule[];
  /** Config lookups (the engine's, as the CLI's) by named config file and workspace folder. */
  private readonly configs = new Map<string, ConfigLookup>();
  /** Suppressions files read, by path, with the modification time they were read at. */
  private readonly suppressionFiles = new Map<string, { mtimeMs: number; suppressions: Suppressions }>();

  private readonly engines: EngineResolver;

  constructor(private readonly options: LinterOptions) {
    this.ruleSet = options.trusted ? [...builtInRules, ...loadExtraRules(options.extraRules, options.log)] : builtInRules;
    this.engines = new EngineResolver(options.trusted, bundledVersion(), options.log);
  }

  /** The workspace folder's own leaklint, when it is used instead of the bundled engine (engines.ts). */
  workspaceEngine(workspaceFolder: string | undefined, settings: LeaklintSettings): WorkspaceEngine | undefined {
    return this.engines.for(workspaceFolder, settings);
  }

  get trusted(): boolean {
    return this.options.trusted;
  }

  /**
   * What `leaklint-suppressions.json` in the workspace folder (where the CLI's default puts
   * it; keys are relative to that folder) suppresses in this file. Untrusted workspaces,
   * like their config files, are not read; a broken file is logged once and ignored.
   */
  suppressedIn(fileName: string, diagnostics: readonly LintDiagnostic[], workspaceFolder: string | undefined): ReadonlySet<LintDiagnostic> | undefined {
    if (!this.options.trusted || !workspaceFolder) return undefined;
    const file = path.join(workspaceFolder, SUPPRESSIONS_FILE);
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    let cached = this.suppressionFiles.get(file);
    if (!cached || cached.mtimeMs !== mtimeMs) {
      try {
        cached = { mtimeMs, suppressions: readSuppressions(file) };
      } catch (error) {
        this.options.log(`suppressions:${file}:${mtimeMs}`, `Ignoring ${file}: ${(error as Error).message}`);
        cached = { mtimeMs, suppressions: {} };
      }
      this.suppressionFiles.set(file, cached);
    }
    const entry = cached.suppressions[suppressionKey(fileName, workspaceFolder)];
    return entry ? suppressedFindings(diagnostics, entry).suppressed : undefined;
  }

  lintWith(target: AnalysisTarget, lintOptions: LintFileOptions): LintDiagnostic[] {
    return lintSourceFile(target.sourceFile, target.types, lintOptions);
  }

  /** Lint options alone, for fix-all passes over overlays. */
  lintOptionsFor(fileName: string, settings: LeaklintSettings, workspaceFolder: string | undefined): LintFileOptions {
    return this.lintOptions(this.configFor(fileName, settings, workspaceFolder).config, settings, fileName);
  }

  /** A watched config or package.json changed. */
  invalidateConfigs(): void {
    this.configs.clear();
    this.engines.clear();
  }

  /**
   * Whether `leaklint .` would leave the file out: in node_modules, .gitignore'd, or in the
   * config's `ignores` (the engine's discovery answers; the editor then does not lint it).
   */
  isIgnored(fileName: string, config: LeaklintConfig, workspaceFolder: string | undefined): boolean {
    return isIgnoredFile(fileName, { ignores: config.ignores, ignoreBase: config.baseDir, root: workspaceFolder });
  }

  /** The file's rules: config, its `overrides` (and the built-in test-files one) for this file, then the editor's settings. */
  lintOptions(config: LeaklintConfig, settings: LeaklintSettings, fileName: string): LintFileOptions {
    const overrides = this.options.trusted ? editorRuleOverrides(settings, config) : {};
    return {
      rules: new RulesPerFile(this.ruleSet, config, overrides).for(fileName),
      settings: config.settings,
      reportUnusedDirectives: config.reportUnusedDirectives,
    };
  }

  configFor(
    fileName: string,
    settings: LeaklintSettings,
    workspaceFolder: string | undefined,
  ): { config: LeaklintConfig; configError?: string } {
    const dir = path.dirname(fileName);
    if (!this.options.trusted) return { config: defaultConfig(workspaceFolder ?? dir) };
    const cwd = workspaceFolder ?? dir;
    const key = `${settings.configFile ?? ""}\0${cwd}`;
    let lookup = this.configs.get(key);
    if (!lookup) {
      lookup = new ConfigLookup({ rules: this.ruleSet, configFile: settings.configFile ?? undefined, cwd });
      this.configs.set(key, lookup);
    }
    try {
      return { config: lookup.for(fileName).config };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.log(`config:${message}`, `Invalid leaklint config, using the defaults: ${message}`);
      return { config: defaultConfig(workspaceFolder ?? dir), configError: message };
    }
  }
}

function bundledVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return String((require("leaklint/package.json") as { version: unknown }).version);
  } catch {
    return "(bundled)";
  }
}

/**
 * Extra rule modules: each module exports a rule, an array of rules, or `{ rules }` (CommonJS
 * or default export). A rule that is not a rule module or whose id is taken (a built-in's,
 * another extra rule's) is left out and logged: the server has no exit code to fail with.
 */
function loadExtraRules(modules: readonly string[], log: (key: string, message: string) => void): RuleModule[] {
  const sources = builtinSources(builtInRules);
  const rejected = (error: ConfigError): void => log(`extra:${error.message}`, `Ignoring an extra rule: ${error.message}`);
  return modules.flatMap((file) => {
    try {
      return loadPlugin(file, process.cwd(), sources, rejected);
    } catch (error) {
      log(`extra:${file}`, `Cannot load extra rules from ${file}: ${(error as Error).message}`);
      return [];
    }
  });
}
