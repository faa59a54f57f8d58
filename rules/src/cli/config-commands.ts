// The CLI's configuration commands: `--init` writes a commented starting config (JSONC:
// every rule with its default severity, the other keys with examples), `--print-config
// <file>` prints what applies to one file as JSON: the config file, the tsconfig, whether
// the file is ignored, and every rule's severity and options for it.
import fs from "node:fs";
import path from "node:path";
import ignore from "ignore";
import { type LeaklintConfig, type RuleModule, type SeveritySetting, RulesPerFile, TsconfigLookup, readableTsconfig } from "../engine";
import { UsageError } from "./args";

export const INIT_FILE = "leaklint.config.json";

const SETTING_OF = { error: "error", warning: "warn", info: "info" } as const;

export function initConfig(cwd: string, rules: readonly RuleModule[]): string {
  const file = path.join(cwd, INIT_FILE);
  if (fs.existsSync(file)) throw new UsageError(`${INIT_FILE} already exists in ${cwd}; not overwritten`);
  const width = Math.max(...rules.map((r) => r.id.length)) + 3;
  // Every line ends in a comma (JSONC allows a trailing one), so any line can be uncommented alone.
  const ruleLines = rules.map((rule) => {
    const entry = `${JSON.stringify(rule.id)}: ${JSON.stringify(SETTING_OF[rule.meta.defaultSeverity])},`;
    return `    // ${entry.padEnd(width + 10)} // ${rule.meta.family}: ${rule.meta.description}`;
  });
  const text = [
    "// leaklint configuration. JSON with comments: comments and trailing commas are allowed.",
    "// Reference: https://github.com/leaklint/leaklint#configuration",
    "{",
    "  // Rule severities: \"off\", \"warn\", \"error\" or \"info\", or [severity, { options }].",
    "  // Every rule is on with the severity shown; uncomment a line to change it.",
    "  \"rules\": {",
    ...ruleLines,
    "  },",
    "",
    "  // Files and folders not to lint (gitignore syntax, relative to this file). .gitignore,",
    "  // node_modules, declaration files and committed bundles are skipped already.",
    "  \"ignores\": [",
    "    // \"dist/\", \"**/*.generated.ts\"",
    "  ],",
    "",
    "  // Report leaklint-disable comments that silence nothing.",
    "  \"reportUnusedDirectives\": false,",
    "",
    "  // Your own APIs, treated like the built-in ones:",
    "  // \"resources\": [{ \"module\": \"my-db\", \"call\": \"openCursor\", \"release\": [\"close\"] }],",
    "  // \"pools\": [{ \"module\": \"my-pool\", \"acquire\": \"checkout\", \"release\": [\"checkin\"] }],",
    "  // \"listeners\": [{ \"register\": \"subscribe\", \"unregister\": [\"unsubscribe\"] }],",
    "",
    "  // Rule settings for some files, applied in order after \"rules\" (globs relative to this file).",
    "  \"overrides\": [",
    "    // { \"files\": [\"e2e/\", \"*.test.ts\"], \"rules\": { \"uncleared-interval\": \"warn\" } },",
    "  ],",
    "}",
    "",
  ].join("\n");
  fs.writeFileSync(file, text);
  return file;
}

export function printConfig(
  target: string,
  cwd: string,
  config: LeaklintConfig,
  rules: readonly RuleModule[],
  overrides: Record<string, SeveritySetting>,
  project: string | undefined,
): string {
  const file = path.resolve(cwd, target);
  const resolved = new RulesPerFile(rules, config, overrides).for(file);
  const ruleSettings = Object.fromEntries(rules.map((rule) => {
    const found = resolved.find((r) => r.rule === rule);
    return [rule.id, found ? [SETTING_OF[found.severity], found.options] : ["off"]];
  }));
  const rel = path.relative(config.baseDir, file).split(path.sep).join("/");
  const ignored = !!rel && !rel.startsWith("..") && ignore().add(config.ignores).ignores(rel);
  const choice = new TsconfigLookup(readableTsconfig).find(file, project && path.resolve(cwd, project));
  const tsconfig = choice.tsconfig ?? choice.nearest;
  const report = {
    filePath: file,
    configFile: config.file ?? null,
    ignored,
    tsconfig: tsconfig ?? null,
    typed: choice.tsconfig !== undefined,
    rules: ruleSettings,
    reportUnusedDirectives: config.reportUnusedDirectives,
    ignores: config.ignores,
    resources: config.settings.resources,
    pools: config.settings.pools,
    listeners: config.settings.listeners,
    overrides: config.overrides,
    builtinOverrides: config.builtinOverrides,
  };
  return JSON.stringify(report, null, 2) + "\n";
}

