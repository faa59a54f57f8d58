// `leaklint heap …`: the run-time half of leaklint. `heap diff <base> <target> [<final>]`
// reads V8 heap snapshots, finds what grew and stayed alive, follows it back to the
// source and confirms the static findings it matches. Exit 0 no growth, 1 findings,
// 2 usage error or unreadable snapshot.
import path from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { RuleModule, SeveritySetting } from "../engine";
import type { CliIo } from "../cli/main";
import { type HeapReport, buildReport, describeGrowth, placeGrowth } from "./report";

export const HEAP_HELP = `Usage: leaklint heap diff <base> <target> [<final>] [options]

Finds objects allocated after <base> that are still alive in <target> (and <final>),
groups them by what holds them, maps each group to a file and line, and confirms the
static finding there (or reports runtime-growth). Snapshots: .heapsnapshot files from
v8.writeHeapSnapshot(), node --heapsnapshot-signal, or Chrome DevTools (docs/heap.md).

Options:
  -f, --format <name>          stylish (default) or json
      --min-count <n>          Ignore groups of fewer new objects (default 100)
      --no-lint                Do not lint the files the snapshots point at (runtime-growth only)
      --rule <id:severity>     Override a rule for the lint that confirms (repeatable)
  -p, --project <tsconfig>     Lint with this tsconfig
  -c, --config <file>          Use this leaklint config file
  -h, --help                   Print this help

Exit codes: 0 no growth, 1 growth found, 2 usage error or unreadable snapshot.
(To lint a directory named heap, run \`leaklint ./heap\`.)
`;

class UsageError extends Error {}

export function heapMain(argv: string[], io: CliIo): number {
  try {
    return run(argv, io);
  } catch (error) {
    // Usage errors, unreadable snapshots (HeapSnapshotError), config errors: a message, exit 2.
    const hint = error instanceof UsageError ? "\nRun `leaklint heap --help` for usage." : "";
    io.stderr(`leaklint heap: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    return 2;
  }
}

const OPTIONS = {
  format: { type: "string", short: "f", default: "stylish" },
  "min-count": { type: "string" },
  "no-lint": { type: "boolean", default: false },
  rule: { type: "string", multiple: true, default: [] as string[] },
  project: { type: "string", short: "p" },
  config: { type: "string", short: "c" },
  help: { type: "boolean", short: "h", default: false },
} satisfies ParseArgsConfig["options"];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function run(argv: string[], io: CliIo): number {
  const parsed = parse(argv);
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.stdout : io.stderr)(HEAP_HELP);
    return values.help ? 0 : 2;
  }
  const [command, ...files] = positionals;
  if (command !== "diff") throw new UsageError(`unknown command "${command}" (expected diff)`);
  if (files.length < 2 || files.length > 3) throw new UsageError(`diff expects <base> <target> [<final>], got ${files.length} snapshot(s)`);
  const format = values.format;
  if (format !== "stylish" && format !== "json") throw new UsageError(`unknown format "${format}" (expected stylish, json)`);
  const minCount = values["min-count"] === undefined ? undefined : Number(values["min-count"]);
  if (minCount !== undefined && (!Number.isInteger(minCount) || minCount < 1)) throw new UsageError(`--min-count expects a positive integer, got "${values["min-count"]}"`);

  const [base, target, final] = files.map((file) => path.resolve(io.cwd, file));
  const overrides = parseOverrides(values.rule); // loads the engine up front when --rule is given, to check the ids
  const report = buildReport(placeGrowth(base, target, final, { minCount }), {
    lint: !values["no-lint"],
    rules: builtinRules,
    cwd: io.cwd,
    overrides,
    project: values.project,
    configFile: values.config,
  });
  io.stdout(format === "json" ? JSON.stringify(report.findings, null, 2) + "\n" : formatHeapStylish(report, io.isTTY && !io.env.NO_COLOR));
  return report.findings.length > 0 ? 1 : 0;
}

// The engine and its rules load TypeScript: only once the snapshots have been read and released.
function builtinRules(): readonly RuleModule[] {
  return (require("../index") as typeof import("../index")).rules;
}

function parseOverrides(values: string[]): Record<string, SeveritySetting> {
  const overrides: Record<string, SeveritySetting> = {};
  for (const value of values) {
    const match = /^([\w-]+):(off|warn|error|info)$/.exec(value);
    if (!match) throw new UsageError(`--rule expects <rule-id>:<off|warn|error|info>, got "${value}"`);
    if (!builtinRules().some((r) => r.id === match[1])) throw new UsageError(`unknown rule "${match[1]}" in --rule`);
    overrides[match[1]] = match[2] as SeveritySetting;
  }
  return overrides;
}

export function formatHeapStylish(report: HeapReport, useColor: boolean): string {
  const paint = (code: number, text: string): string => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  let file = "";
  for (const f of report.findings) {
    if (f.filePath !== file) {
      file = f.filePath;
      lines.push("", paint(4, file));
    }
    const label = f.confirmed ? paint(35, "confirmed") : paint(33, "growth");
    lines.push(`  ${f.line}:${f.column}  ${label}  ${f.message}  ${paint(2, f.ruleId)}`);
    if (f.confirmed) lines.push(`      ${paint(35, "confirmed at run time:")} ${describeGrowth(f.runtime)}`);
  }
  for (const u of report.unplaced) lines.push("", `  ${paint(2, "(no source location)")}  ${describeGrowth(u.runtime)}`);
  const confirmed = report.findings.filter((f) => f.confirmed).length;
  const growth = report.findings.length - confirmed;
  const summary = `${report.newObjects.toLocaleString("en-US")} objects allocated after the base snapshot are still alive`;
  if (report.findings.length === 0 && report.unplaced.length === 0) return `No growth found (${summary}, none in a group of the minimum count).\n`;
  lines.push("", paint(report.findings.length > 0 ? 35 : 2, `✖ ${confirmed} confirmed, ${growth} runtime-growth, ${report.unplaced.length} without source location (${summary})`));
  return lines.join("\n") + "\n";
}
