// The headless `leaklint` command: parses arguments, runs the engine over files on
// disk, prints a format, and exits 0 (clean), 1 (error-level findings or too many
// warnings) or 2 (usage or configuration error), like ESLint.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  ConfigError, type RuleModule, type RuleSources, type RunResult, type SeveritySetting, builtinSources, checkPluginRules, isEngineFault, runLint,
} from "../engine";
import { readRuleDoc } from "../docs";
import { rules as builtinRules } from "../index";
import { formatGithub, formatJson, formatStylish } from "./formatters";
import { formatSarif } from "./sarif";
import { heapMain } from "../heap/cli";

const FORMATS = ["stylish", "json", "sarif", "github"] as const;
const SEVERITIES = ["off", "warn", "error", "info"];
const PROGRESS_THRESHOLD = 300;

export const HELP = `Usage: leaklint [options] [paths...]
       leaklint heap diff <base> <target> [<final>]   (heap snapshots; leaklint heap --help)

Finds resource and memory leaks in TypeScript and JavaScript.

Options:
  -p, --project <tsconfig>     Analyse with this tsconfig (default: the nearest one per file)
  -c, --config <file>          Use this config file instead of searching for one
  -f, --format <name>          stylish (default), json, sarif, github
      --fix                    Apply safe fixes, then report what remains
      --max-warnings <n>       Exit 1 when there are more than n warnings
      --rule <id:severity>     Override a rule: off, warn, error or info (repeatable)
      --quiet                  Report errors only
      --stats                  Print time per rule and per phase, files linted and bundles skipped, to stderr
      --include-bundles        Also lint committed bundles and generated files found in directories
      --no-types               Skip type information (names and scopes only)
      --report-unused-directives  Report leaklint-disable comments that silence nothing
      --plugin <module>        Load extra rules from a module exporting \`rules\` (repeatable)
      --explain <rule-id>      Print a rule's documentation
  -v, --version                Print the version
  -h, --help                   Print this help

Exit codes: 0 no error-level findings, 1 error-level findings or too many warnings, 2 usage or config error.
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

export function main(argv: string[], io: CliIo): number {
  if (argv[0] === "heap") return heapMain(argv.slice(1), io);
  try {
    return run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`leaklint: ${error.message}\nRun \`leaklint --help\` for usage.\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`leaklint: configuration error in ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`leaklint: ${message}\n`);
    return 2;
  }
}

function run(argv: string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        project: { type: "string", short: "p" },
        config: { type: "string", short: "c" },
        format: { type: "string", short: "f", default: "stylish" },
        fix: { type: "boolean", default: false },
        "max-warnings": { type: "string" },
        rule: { type: "string", multiple: true, default: [] },
        quiet: { type: "boolean", default: false },
        stats: { type: "boolean", default: false },
        "no-types": { type: "boolean", default: false },
        "report-unused-directives": { type: "boolean" },
        "include-node-modules": { type: "boolean", default: false },
        "include-bundles": { type: "boolean", default: false },
        plugin: { type: "string", multiple: true, default: [] },
        explain: { type: "string" },
        version: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const sources = builtinSources(builtinRules);
  const rules = [...builtinRules, ...values.plugin.flatMap((p) => loadPlugin(p, io.cwd, sources))];
  if (values.explain !== undefined) return explain(values.explain, rules, io);

  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${values.format}" (expected ${FORMATS.join(", ")})`);
  const maxWarnings = parseMaxWarnings(values["max-warnings"]);
  const overrides = parseRuleOverrides(values.rule, rules);
  const showProgress = io.isTTY && !io.env.CI && format === "stylish";

  const result = runLint({
    paths: positionals.length > 0 ? positionals : ["."],
    cwd: io.cwd,
    rules,
    configFile: values.config,
    overrides,
    project: values.project,
    types: !values["no-types"],
    fix: values.fix,
    includeNodeModules: values["include-node-modules"],
    includeBundles: values["include-bundles"],
    reportUnusedDirectives: values["report-unused-directives"],
    onProgress: showProgress ? progressPrinter(io) : undefined,
  });
  if (values.quiet) {
    for (const file of result.files) file.diagnostics = file.diagnostics.filter((d) => d.severity === "error");
  }

  io.stdout(render(format, result, rules, io));
  if (values.stats) io.stderr(formatStats(result));

  // A rule's own fault (it threw, or its fix was refused) is reported but leaves the exit
  // code to the findings of the rules that ran: the run itself completed.
  const faults = result.files.flatMap((f) => f.diagnostics).filter(isEngineFault);
  if (faults.length > 0) io.stderr(`leaklint: ${faults.length} rule fault(s) (internal-error / invalid-fix) were reported; the other rules ran.\n`);
  const all = result.files.flatMap((f) => f.diagnostics).filter((d) => !isEngineFault(d));
  const errors = all.filter((d) => d.severity === "error").length;
  const warnings = all.filter((d) => d.severity === "warning").length;
  if (errors > 0) return 1;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    io.stderr(`leaklint found too many warnings (maximum: ${maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

function render(format: (typeof FORMATS)[number], result: RunResult, rules: readonly RuleModule[], io: CliIo): string {
  switch (format) {
    case "json":
      return formatJson(result.files);
    case "sarif":
      return formatSarif(result.files, rules, io.cwd, packageVersion());
    case "github":
      return formatGithub(result.files, io.cwd);
    default:
      return formatStylish(result.files, io.isTTY && !io.env.NO_COLOR);
  }
}

function explain(ruleId: string, rules: readonly RuleModule[], io: CliIo): number {
  const doc = rules.some((r) => r.id === ruleId) ? readRuleDoc(ruleId) : undefined;
  if (!doc) throw new UsageError(`unknown rule "${ruleId}" (known: ${rules.map((r) => r.id).join(", ")})`);
  io.stdout(doc.endsWith("\n") ? doc : doc + "\n");
  return 0;
}

function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-warnings expects a non-negative integer, got "${value}"`);
  return n;
}

function parseRuleOverrides(values: string[], rules: readonly RuleModule[]): Record<string, SeveritySetting> {
  const overrides: Record<string, SeveritySetting> = {};
  for (const value of values) {
    const match = /^([\w-]+):(\w+)$/.exec(value);
    if (!match) throw new UsageError(`--rule expects <rule-id>:<severity>, got "${value}"`);
    const [, id, severity] = match;
    if (!rules.some((r) => r.id === id)) throw new UsageError(`unknown rule "${id}" in --rule`);
    if (!SEVERITIES.includes(severity)) throw new UsageError(`unknown severity "${severity}" in --rule (expected ${SEVERITIES.join(", ")})`);
    overrides[id] = severity as SeveritySetting;
  }
  return overrides;
}

function loadPlugin(specifier: string, cwd: string, sources: RuleSources): RuleModule[] {
  const resolved = specifier.startsWith(".") || path.isAbsolute(specifier) ? path.resolve(cwd, specifier) : specifier;
  let loaded: { rules?: unknown; default?: { rules?: unknown } };
  try {
    loaded = require(resolved);
  } catch (error) {
    throw new UsageError(`cannot load plugin "${specifier}": ${(error as Error).message}`);
  }
  const list = loaded.rules ?? loaded.default?.rules;
  if (!Array.isArray(list)) throw new UsageError(`plugin "${specifier}" must export \`rules\`: an array of rule modules`);
  return checkPluginRules(`plugin "${specifier}"`, list, sources);
}

function progressPrinter(io: CliIo): (done: number, total: number) => void {
  return (done, total) => {
    if (total < PROGRESS_THRESHOLD) return;
    if (done % 25 === 0 || done === total) io.stderr(`\rleaklint: ${done}/${total} files${done === total ? "\n" : ""}`);
  };
}

function formatStats(result: RunResult): string {
  const rows = [...result.times.entries()].sort((a, b) => b[1] - a[1]);
  const width = Math.max(10, ...rows.map(([name]) => name.length));
  const lines = ["", `${"rule / phase".padEnd(width)}  time (ms)`];
  for (const [name, ms] of rows) lines.push(`${name.padEnd(width)}  ${ms.toFixed(1).padStart(9)}`);
  lines.push(`${"files".padEnd(width)}  ${String(result.files.length).padStart(9)}`);
  lines.push(`${"skipped bundles".padEnd(width)}  ${String(result.skipped.bundles.length).padStart(9)}`);
  return lines.join("\n") + "\n";
}

export function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8")).version as string;
  } catch {
    return "0.0.0";
  }
}
