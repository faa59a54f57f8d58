// Which leaklint lints a workspace folder, the ESLint extension's way: the folder's own
// installed one (`node_modules/leaklint`, the version its CI runs) when the workspace is
// trusted and `leaklint.useWorkspaceLeaklint` allows it, else the bundled engine. Loading
// a workspace's package runs its code, so an untrusted workspace never does. The choice is
// logged once per folder and package. A workspace engine lints through its own host layer
// (`ConfigLookup`, `RulesPerFile`, `lintHostedFile`: typed on the server's program when it
// was built by the same TypeScript, loose otherwise), in one step rather than in slices.
import fs from "node:fs";
import path from "node:path";
import type * as Leaklint from "leaklint";
import type { LintDiagnostic } from "leaklint";
import type ts from "typescript";
import type { LeaklintSettings } from "./protocol";
import { editorRuleOverrides } from "./settings";

type EngineModule = Pick<typeof Leaklint, "rules" | "lintHostedFile" | "ConfigLookup" | "RulesPerFile" | "defaultConfig">;

export interface WorkspaceEngine {
  version: string;
  dir: string;
  /** Lints `text` as `fileName` with the folder's config (the editor's rule settings where it sets none). */
  lint(fileName: string, text: string, program: ts.Program | undefined, settings: LeaklintSettings, folder: string): { diagnostics: LintDiagnostic[]; configError?: string };
}

export class EngineResolver {
  private readonly loaded = new Map<string, WorkspaceEngine | string>();

  constructor(private readonly trusted: boolean, private readonly bundledVersion: string, private readonly log: (key: string, message: string) => void) {}

  /** The folder's own leaklint, or undefined for the bundled one (the log says why). */
  for(folder: string | undefined, settings: LeaklintSettings): WorkspaceEngine | undefined {
    if (!folder) return undefined;
    const why = !this.trusted ? "the workspace is not trusted" : !settings.useWorkspaceLeaklint ? "leaklint.useWorkspaceLeaklint is false" : undefined;
    const engine = why ?? this.load(folder);
    if (typeof engine === "string") {
      this.log(`engine:${folder}:${engine}`, `leaklint: using the bundled leaklint ${this.bundledVersion} for ${folder} (${engine}).`);
      return undefined;
    }
    this.log(`engine:${folder}:${engine.dir}:${engine.version}`, `leaklint: using the workspace's leaklint ${engine.version} from ${engine.dir} for ${folder}.`);
    return engine;
  }

  /** node_modules or its package changed: look again. */
  clear(): void {
    this.loaded.clear();
  }

  private load(folder: string): WorkspaceEngine | string {
    const dir = path.join(folder, "node_modules", "leaklint");
    const manifest = path.join(dir, "package.json");
    let mtime: number;
    try {
      mtime = fs.statSync(manifest).mtimeMs;
    } catch {
      return "the workspace has no node_modules/leaklint";
    }
    const key = `${dir}:${mtime}`;
    let engine = this.loaded.get(key);
    if (engine === undefined) {
      engine = loadEngine(dir, manifest);
      this.loaded.set(key, engine);
    }
    return engine;
  }
}

function loadEngine(dir: string, manifest: string): WorkspaceEngine | string {
  let version: string;
  let module: Partial<EngineModule>;
  try {
    version = String((JSON.parse(fs.readFileSync(manifest, "utf8")) as { version?: unknown }).version ?? "?");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require(dir) as Partial<EngineModule>;
  } catch (error) {
    return `node_modules/leaklint could not be loaded: ${(error as Error).message}`;
  }
  const { rules, lintHostedFile, ConfigLookup, RulesPerFile, defaultConfig } = module;
  if (!Array.isArray(rules) || !lintHostedFile || !ConfigLookup || !RulesPerFile || !defaultConfig) {
    return `node_modules/leaklint ${version} is too old for this extension (it has no host layer: ConfigLookup, lintHostedFile)`;
  }
  const lookups = new Map<string, InstanceType<EngineModule["ConfigLookup"]>>();
  return {
    version,
    dir,
    lint(fileName, text, program, settings, folder) {
      const key = `${settings.configFile ?? ""}\0${folder}`;
      let lookup = lookups.get(key);
      if (!lookup) lookups.set(key, lookup = new ConfigLookup({ rules, configFile: settings.configFile ?? undefined, cwd: folder }));
      let config = defaultConfig(path.dirname(fileName));
      let configError: string | undefined;
      try {
        config = lookup.for(fileName).config;
      } catch (error) {
        configError = (error as Error).message;
      }
      const options = { rules: new RulesPerFile(rules, config, editorRuleOverrides(settings, config)).for(fileName), settings: config.settings, reportUnusedDirectives: config.reportUnusedDirectives };
      return { diagnostics: lintHostedFile(fileName, text, program, options).diagnostics, configError };
    },
  };
}
