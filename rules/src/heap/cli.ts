// `leaklint heap …`: the run-time half of leaklint. `heap diff <base> <target> [<final>]`
// reads V8 heap snapshots, finds what grew and stayed alive, follows it back to the
// source and confirms the static findings it matches; `heap capture` takes the three
// snapshots of a running Node process under load and diffs them. Exit 0 no growth,
// 1 findings, 2 usage error, unreadable snapshot or failed capture.
import path from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { RuleModule, SeveritySetting } from "../engine";
import type { CliIo } from "../cli/main";
import { captureSnapshots } from "./capture";
import { type HeapReport, buildReport, describeGrowth, placeGrowth } from "./report";

export const HEAP_HELP = `Usage: leaklint heap diff <base> <target> [<final>] [options]
       leaklint heap capture (--load <cmd> | --interval <s>) [options] (-- node <script> … | --inspect <port>)

diff finds objects allocated after <base> that are still alive in <target> (and <final>),
groups them by what holds them, maps each group to a file and line, and confirms the
static finding there (or reports runtime-growth). Snapshots: .heapsnapshot files from
v8.writeHeapSnapshot(), node --heapsnapshot-signal, or Chrome DevTools (docs/heap.md).

capture starts the program after \`--\` with the inspector on 127.0.0.1 (or attaches to
--inspect <port>), runs the load once as a warm-up, takes base, runs the load, takes
target, runs the load, takes final, stops the program it started and runs diff.

Capture options:
      --load <cmd>             Shell command that puts load on the program (LEAKLINT_HEAP_PHASE=warm-up|1|2)
      --interval <s>           Wait this many seconds between snapshots (instead of or after --load)
      --no-warmup              Do not run the load before the base snapshot
      --inspect <port>         Attach to a running process started with --inspect=<port>
      --out <dir>              Where to write base/target/final.heapsnapshot (default ./leaklint-heap)
      --no-diff                Only take the snapshots

Diff options (also for capture):
  -f, --format <name>          stylish (default), json or sarif
      --min-count <n>          Ignore groups of fewer new objects (default 100)
      --no-lint                Do not lint the files the snapshots point at (runtime-growth only)
      --rule <id:severity>     Override a rule for the lint that confirms (repeatable)
  -p, --project <tsconfig>     Lint with this tsconfig
  -c, --config <file>          Use this leaklint config file
  -h, --help                   Print this help

Exit codes: 0 no growth, 1 growth found, 2 usage error, unreadable snapshot or failed capture.
(To lint a directory named heap, run \`leaklint ./heap\`.)
`;

class UsageError extends Error {}

/** `heap diff` answers synchronously, `heap capture` with a promise. */
export function heapMain(argv: string[], io: CliIo): number | Promise<number> {
  try {
    const code = run(argv, io);
    return typeof code === "number" ? code : code.catch((error: unknown) => fail(error, io));
  } catch (error) {
    return fail(error, io);
  }
}

// Usage errors, unreadable snapshots (HeapSnapshotError), failed captures, config errors: a message, exit 2.
function fail(error: unknown, io: CliIo): number {
  const hint = error instanceof UsageError ? "\nRun `leaklint heap --help` for usage." : "";
  io.stderr(`leaklint heap: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
  return 2;
}

const OPTIONS = {
  format: { type: "string", short: "f", default: "stylish" },
  "min-count": { type: "string" },
  "no-lint": { type: "boolean", default: false },
  rule: { type: "string", multiple: true, default: [] as string[] },
  project: { type: "string", short: "p" },
  config: { type: "string", short: "c" },
  load: { type: "string" },
  interval: { type: "string" },
  "no-warmup": { type: "boolean", default: false },
  inspect: { type: "string" },
  out: { type: "string", default: "leaklint-heap" },
  "no-diff": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} satisfies ParseArgsConfig["options"];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

type Values = ReturnType<typeof parse>["values"];
const FORMATS = ["stylish", "json", "sarif"];

function run(argv: string[], io: CliIo): number | Promise<number> {
  const split = argv.indexOf("--");
  const program = split < 0 ? [] : argv.slice(split + 1);
  const { values, positionals } = parse(split < 0 ? argv : argv.slice(0, split));
  if (values.help || positionals.length === 0) {
    (values.help ? io.stdout : io.stderr)(HEAP_HELP);
    return values.help ? 0 : 2;
  }
  const [command, ...files] = positionals;
  if (command !== "diff" && command !== "capture") throw new UsageError(`unknown command "${command}" (expected diff or capture)`);
  if (!FORMATS.includes(values.format)) throw new UsageError(`unknown format "${values.format}" (expected ${FORMATS.join(", ")})`);
  const minCount = positiveNumber(values["min-count"], "--min-count", true);
  if (command === "capture") return capture(values, files, program, minCount, io);
  if (program.length > 0) throw new UsageError("diff takes no program after --");
  if (files.length < 2 || files.length > 3) throw new UsageError(`diff expects <base> <target> [<final>], got ${files.length} snapshot(s)`);
  return diff(files.map((file) => path.resolve(io.cwd, file)), values, minCount, io);
}

function diff([base, target, final]: string[], values: Values, minCount: number | undefined, io: CliIo): number {
  const overrides = parseOverrides(values.rule); // loads the engine up front when --rule is given, to check the ids
  const report = buildReport(placeGrowth(base, target, final, { minCount }), {
    lint: !values["no-lint"],
    rules: builtinRules,
    cwd: io.cwd,
    overrides,
    project: values.project,
    configFile: values.config,
  });
  const format = values.format;
  io.stdout(format === "json" ? JSON.stringify(report.findings, null, 2) + "\n"
    : format === "sarif" ? (require("./sarif") as typeof import("./sarif")).formatHeapSarif(report, builtinRules(), io.cwd)
    : formatHeapStylish(report, io.isTTY && !io.env.NO_COLOR));
  return report.findings.length > 0 ? 1 : 0;
}

async function capture(values: Values, files: string[], program: string[], minCount: number | undefined, io: CliIo): Promise<number> {
  if (files.length > 0) throw new UsageError(`capture takes no snapshot files (got ${files.join(" ")}); put the program after --`);
  const port = positiveNumber(values.inspect, "--inspect", true);
  if ((port === undefined) === (program.length === 0)) throw new UsageError("capture needs either a program after -- (node <script> …) or --inspect <port>, not both");
  const interval = positiveNumber(values.interval, "--interval", false);
  if (!values.load && interval === undefined) throw new UsageError("capture needs --load <cmd> or --interval <s> to say what happens between snapshots");
  if (!values["no-diff"]) parseOverrides(values.rule); // check the overrides before the capture, not after it
  const outDir = path.resolve(io.cwd, values.out);
  const snapshots = await captureSnapshots({
    outDir, load: values.load, interval, warmup: !values["no-warmup"], port, command: program.length > 0 ? program : undefined,
    cwd: io.cwd, env: io.env, log: (line) => io.stderr(`leaklint heap: ${line}\n`),
  });
  if (values["no-diff"]) return 0;
  return diff(snapshots, values, minCount, io);
}

function positiveNumber(value: string | undefined, option: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new UsageError(`${option} expects a positive ${integer ? "integer" : "number"}, got "${value}"`);
  return n;
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
