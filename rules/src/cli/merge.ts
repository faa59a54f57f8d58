// `leaklint merge [-f json|sarif] [-o <file>] <report>...`: joins the reports of `--shard`
// runs into the report of one whole run. JSON findings and SARIF results are put back in a
// single run's order (by file; a file's own findings as its shard gave them); a finding two
// shards both report (the problem of a tsconfig that both read) is kept once. The format is
// the reports' own unless -f says it; reports of different formats or rule sets do not mix.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { CliIo } from "./main";
import { UsageError } from "./args";
import { writeReport } from "./formats";

const MERGE_HELP = `Usage: leaklint merge [-f json|sarif] [-o <file>] <report>...

Joins the JSON or SARIF reports of \`leaklint --shard <i>/<n>\` runs into one report, the same
as a single run over all the files would print.
`;

interface SarifLog {
  runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: SarifResult[] }>;
}
interface SarifResult {
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
}

export async function mergeMain(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv, allowPositionals: true,
      options: { format: { type: "string", short: "f" }, "output-file": { type: "string", short: "o" }, help: { type: "boolean", short: "h" } },
    });
    if (values.help) {
      io.stdout(MERGE_HELP);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError("merge needs the reports to join");
    const reports = positionals.map((file) => readReport(file, io.cwd));
    const format = values.format ?? reports[0].format;
    if (format !== "json" && format !== "sarif") throw new UsageError(`merge joins json or sarif reports, not "${format}"`);
    const other = reports.find((r) => r.format !== format);
    if (other) throw new UsageError(`${other.file} is a ${other.format} report, not ${format}`);
    const text = format === "json" ? mergeJson(reports.map((r) => r.data as JsonFindingLike[])) : mergeSarif(reports.map((r) => r.data as SarifLog), positionals);
    writeReport(text, values["output-file"], io.cwd, io.stdout);
    return 0;
  } catch (error) {
    io.stderr(`leaklint merge: ${(error as Error).message}\nRun \`leaklint merge --help\` for usage.\n`);
    return 2;
  }
}

interface JsonFindingLike {
  filePath: string;
}

function readReport(file: string, cwd: string): { file: string; format: string; data: unknown } {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path.resolve(cwd, file), "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read the report ${file}: ${(error as Error).message}`);
  }
  if (Array.isArray(data) && data.every((f) => typeof f?.filePath === "string")) return { file, format: "json", data };
  if (isSarif(data)) return { file, format: "sarif", data };
  throw new UsageError(`${file} is neither a leaklint JSON report nor a SARIF log`);
}

function isSarif(data: unknown): data is SarifLog {
  const runs = (data as SarifLog | undefined)?.runs;
  return Array.isArray(runs) && runs.length === 1 && Array.isArray(runs[0].results) && Array.isArray(runs[0].tool?.driver?.rules);
}

function mergeJson(reports: JsonFindingLike[][]): string {
  return JSON.stringify(joinByFile(reports, (f) => f.filePath), null, 2) + "\n";
}

function mergeSarif(logs: SarifLog[], names: readonly string[]): string {
  const ruleIds = (log: SarifLog): string => log.runs[0].tool.driver.rules.map((r) => r.id).join(",");
  const differs = logs.findIndex((log) => ruleIds(log) !== ruleIds(logs[0]));
  if (differs >= 0) throw new UsageError(`${names[differs]} was made with other rules than ${names[0]} (same rules and plugins needed)`);
  const [first] = logs;
  const results = joinByFile(logs.map((log) => log.runs[0].results), (r) => r.locations[0]?.physicalLocation.artifactLocation.uri ?? "");
  return JSON.stringify({ ...first, runs: [{ ...first.runs[0], results }] }, null, 2) + "\n";
}

/** The items of all reports grouped by file, files in a single run's order; what an earlier report has for a file is not added again. */
function joinByFile<T>(reports: T[][], fileOf: (item: T) => string): T[] {
  const byFile = new Map<string, { items: T[]; from: number; earlier: Set<string> }>();
  reports.forEach((report, index) => {
    for (const item of report) {
      const file = fileOf(item);
      const key = JSON.stringify(item);
      let group = byFile.get(file);
      if (!group) byFile.set(file, (group = { items: [], from: index, earlier: new Set() }));
      if (group.from !== index) {
        group.items.forEach((known) => group!.earlier.add(JSON.stringify(known)));
        group.from = index;
      }
      if (!group.earlier.has(key)) group.items.push(item);
    }
  });
  return [...byFile.keys()].sort((a, b) => a.localeCompare(b)).flatMap((file) => byFile.get(file)!.items);
}
