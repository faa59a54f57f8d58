// The command line of `leaklint`: the options (ESLint's names where ESLint has the
// flag), the help text that lists every one of them, and their checks. A bad argument is
// a UsageError (exit 2) with a message that names it.
import { parseArgs } from "node:util";
import { type RuleModule, type SeveritySetting, SUPPRESSIONS_FILE } from "../engine";

export class UsageError extends Error {}

export const BUILTIN_FORMATS = ["stylish", "json", "sarif", "github", "gitlab", "checkstyle"] as const;
const SEVERITIES = ["off", "warn", "error", "info"];
export const DEFAULT_SUPPRESSIONS_FILE = SUPPRESSIONS_FILE;
export const DEFAULT_CACHE_FILE = ".leaklintcache";

export const CLI_OPTIONS = {
  project: { type: "string", short: "p" },
  config: { type: "string", short: "c" },
  format: { type: "string", short: "f", default: "stylish" },
  "output-file": { type: "string", short: "o" },
  fix: { type: "boolean", default: false },
  "fix-dry-run": { type: "boolean", default: false },
  "fix-type": { type: "string", multiple: true, default: [] as string[] },
  "max-warnings": { type: "string" },
  rule: { type: "string", multiple: true, default: [] as string[] },
  quiet: { type: "boolean", default: false },
  stats: { type: "boolean", default: false },
  debug: { type: "boolean", default: false },
  "no-types": { type: "boolean", default: false },
  "report-unused-directives": { type: "boolean" },
  "include-node-modules": { type: "boolean", default: false },
  "include-bundles": { type: "boolean", default: false },
  "ignore-pattern": { type: "string", multiple: true, default: [] as string[] },
  "no-ignore": { type: "boolean", default: false },
  "no-error-on-unmatched-pattern": { type: "boolean", default: false },
  stdin: { type: "boolean", default: false },
  "stdin-filename": { type: "string" },
  "print-config": { type: "string" },
  init: { type: "boolean", default: false },
  color: { type: "boolean", default: false },
  "no-color": { type: "boolean", default: false },
  "suppress-all": { type: "boolean", default: false },
  "suppress-rule": { type: "string", multiple: true, default: [] as string[] },
  "suppressions-location": { type: "string", default: DEFAULT_SUPPRESSIONS_FILE },
  "prune-suppressions": { type: "boolean", default: false },
  "pass-on-unpruned-suppressions": { type: "boolean", default: false },
  plugin: { type: "string", multiple: true, default: [] as string[] },
  concurrency: { type: "string" },
  cache: { type: "boolean", default: false },
  "cache-location": { type: "string", default: DEFAULT_CACHE_FILE },
  shard: { type: "string" },
  explain: { type: "string" },
  version: { type: "boolean", short: "v", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export const HELP = `Usage: leaklint [options] [paths, files or globs...]
       leaklint heap diff <base> <target> [<final>]   (heap snapshots; leaklint heap --help)
       leaklint merge [-f json|sarif] [-o <file>] <report>...   (join the reports of --shard runs)

Finds resource and memory leaks in TypeScript and JavaScript.

Basic:
  -p, --project <tsconfig>     Analyse with this tsconfig (default: the nearest one per file)
  -c, --config <file>          Use this config file instead of searching for one
      --no-types               Skip type information (names and scopes only)
      --rule <id:severity>     Override a rule: off, warn, error or info (repeatable)
      --plugin <module>        Load extra rules from a module exporting \`rules\` (repeatable)
      --print-config <file>    Print the configuration that applies to a file, as JSON
      --init                   Write a commented leaklint.config.json to the current directory

Files:
      --ignore-pattern <glob>  Ignore files matching this pattern, relative to the current directory (repeatable)
      --no-ignore              Do not apply .gitignore, configured ignores or --ignore-pattern
      --include-bundles        Also lint committed bundles and generated files found in directories
      --include-node-modules   Also lint files in node_modules (surveys of installed packages)
      --no-error-on-unmatched-pattern  A path or glob that matches no file is not an error
      --stdin                  Lint the text given on standard input
      --stdin-filename <file>  The path the --stdin text is linted as (its config, tsconfig and rules)

Fixes:
      --fix                    Apply safe fixes, then report what remains
      --fix-dry-run            Compute safe fixes without writing them (json output carries \`output\`)
      --fix-type <family>      Only fix findings of these families: resource, growth, listener, timer, context (repeatable, or comma-separated)

Output:
  -f, --format <name|module>   stylish (default), json, sarif, github, gitlab, checkstyle, or a formatter module
  -o, --output-file <file>     Write the report to this file instead of standard output
      --quiet                  Report errors only
      --max-warnings <n>       Exit 1 when there are more than n warnings
      --color, --no-color      Force colour on or off (default: on a terminal; FORCE_COLOR and NO_COLOR apply)
      --report-unused-directives  Report leaklint-disable comments that silence nothing
      --stats                  Print time per rule and per phase, files, bundles skipped and tsconfigs used, to stderr
      --debug                  Print the config and the tsconfig (or why none) each file used, to stderr

Speed:
      --concurrency <n|auto|off>  Lint in n worker threads (auto: on for large runs; default off)
      --cache                  Reuse the findings of files (and projects) unchanged since the last --cache run
      --cache-location <file>  The cache file (default: ${DEFAULT_CACHE_FILE})
      --shard <i>/<n>          Lint only the i-th of n deterministic pieces (whole projects, then file slices)

Suppressions (a baseline for legacy code, compatible with ESLint's bulk suppressions):
      --suppress-all           Suppress every error-level finding of this run (written to the suppressions file)
      --suppress-rule <id>     Suppress the error-level findings of this rule (repeatable)
      --suppressions-location <file>  The suppressions file (default: ${DEFAULT_SUPPRESSIONS_FILE})
      --prune-suppressions     Remove suppressions that no longer match a finding
      --pass-on-unpruned-suppressions  Unused suppressions are not an error

Other:
      --explain <rule-id>      Print a rule's documentation
  -v, --version                Print the version
  -h, --help                   Print this help

Exit codes: 0 no error-level findings, 1 error-level findings or too many warnings,
2 usage or config error, a path that matches no file, or unused suppressions.
`;

type Parsed = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof CLI_OPTIONS }>>;
export type CliValues = Parsed["values"];

export function parseCommandLine(argv: string[]): { values: CliValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: CLI_OPTIONS });
    return { values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `--shard 2/4` → { index: 2, count: 4 }. */
export function parseShard(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard expects <i>/<n> with 1 ≤ i ≤ n, got "${value}"`);
  return { index, count };
}

export function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-warnings expects a non-negative integer, got "${value}"`);
  return n;
}

export function parseRuleOverrides(values: readonly string[], rules: readonly RuleModule[]): Record<string, SeveritySetting> {
  const overrides: Record<string, SeveritySetting> = {};
  for (const value of values) {
    const match = /^([\w-]+):(\w+)$/.exec(value);
    if (!match) throw new UsageError(`--rule expects <rule-id>:<severity>, got "${value}"`);
    const [, id, severity] = match;
    checkRuleId(id, rules, "--rule");
    if (!SEVERITIES.includes(severity)) throw new UsageError(`unknown severity "${severity}" in --rule (expected ${SEVERITIES.join(", ")})`);
    overrides[id] = severity as SeveritySetting;
  }
  return overrides;
}

export function checkRuleId(id: string, rules: readonly RuleModule[], flag: string): void {
  if (!rules.some((r) => r.id === id)) throw new UsageError(`unknown rule "${id}" in ${flag}`);
}

/** `--fix-type resource,timer --fix-type growth` → the families, checked against the rules' families. */
export function parseFixTypes(values: readonly string[], rules: readonly RuleModule[]): string[] | undefined {
  if (values.length === 0) return undefined;
  const known: string[] = [...new Set(rules.map((r) => r.meta.family))];
  const families = values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  for (const family of families) {
    if (!known.includes(family)) throw new UsageError(`unknown family "${family}" in --fix-type (expected ${known.join(", ")})`);
  }
  return families;
}

/** Colour: --color / --no-color, else FORCE_COLOR, else NO_COLOR, else whether the output is a terminal. */
export function useColor(values: CliValues, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (values.color && values["no-color"]) throw new UsageError("--color and --no-color cannot be used together");
  if (values.color) return true;
  if (values["no-color"]) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "") return !["0", "false"].includes(env.FORCE_COLOR);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY;
}
