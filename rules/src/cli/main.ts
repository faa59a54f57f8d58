// The headless `leaklint` command: reads the command line (args.ts), selects the files
// (files.ts) or takes a text from stdin, runs the engine, applies bulk suppressions
// (suppressions.ts), prints a format (formats.ts) and exits 0 (clean), 1 (error-level
// findings or too many warnings) or 2 (usage or configuration error, an argument that
// matches no file, unused suppressions), like ESLint.
import fs from "node:fs";
import path from "node:path";
import {
  ConfigError, ConfigLookup, type RuleModule, type RunResult, type WorkGroup, groupByProject, hashText, isEngineFault, loadConfigFor, partitionWork,
  ruleDocumentation, runLintPlanned, runLintText,
} from "../engine";
import { RULE_DOCS_DIR } from "../docs";
import { type CliValues, HELP, UsageError, checkRuleId, parseCommandLine, parseFixTypes, parseMaxWarnings, parseRuleOverrides, parseShard, useColor } from "./args";
import { initConfig, printConfig } from "./config-commands";
import { selectFiles } from "./files";
import { render, resolveFormat, writeReport } from "./formats";
import { createReportContext } from "./report-context";
import { formatDebug, formatStats, tsconfigWarnings } from "./run-report";
import { applySuppressions, describeUnused, prune, readSuppressions, suppress, writeSuppressions } from "./suppressions";
import { heapMain } from "../heap/cli";
import { mergeMain } from "./merge";
import { parseConcurrency, workerRunner } from "./parallel";
import { loadRules, resolvePlugin } from "./plugins";

export { HELP };
const PROGRESS_THRESHOLD = 300;
const PROGRESS_EVERY_MS = 100;
/** The name a `--stdin` text is linted as without `--stdin-filename` (as ESLint's `<text>`). */
const STDIN_NAME = "<text>.ts";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  /** Standard error is a terminal: progress is shown there. */
  stderrIsTTY?: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The whole of standard input (for --stdin). */
  readStdin?: () => string;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === "heap") return heapMain(argv.slice(1), io);
  if (argv[0] === "merge") return mergeMain(argv.slice(1), io);
  try {
    return await run(argv, io);
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

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const rules = loadRules(values.plugin, io.cwd);
  if (values.explain !== undefined) return explain(values.explain, rules, io);
  if (values.init) {
    io.stdout(`Wrote ${path.relative(io.cwd, initConfig(io.cwd, rules))}: every rule with its default severity, commented out.\n`);
    return 0;
  }
  const overrides = parseRuleOverrides(values.rule, rules);
  if (values["print-config"] !== undefined) {
    const { config } = new ConfigLookup({ configFile: values.config, cwd: io.cwd, rules }).for(values["print-config"]);
    io.stdout(printConfig(values["print-config"], io.cwd, config, rules, overrides, values.project));
    return 0;
  }
  checkCombinations(values, positionals);
  values["suppress-rule"].forEach((id) => checkRuleId(id, rules, "--suppress-rule"));
  const format = resolveFormat(values.format, io.cwd);
  const maxWarnings = parseMaxWarnings(values["max-warnings"]);
  const fixFamilies = parseFixTypes(values["fix-type"], rules);
  const toFile = values["output-file"] !== undefined;
  const color = useColor(values, io.env, io.isTTY && !toFile);
  const common = {
    cwd: io.cwd, rules, configFile: values.config, overrides, project: values.project, types: !values["no-types"],
    fix: values["fix-dry-run"] ? "dry-run" as const : values.fix, fixFamilies, reportUnusedDirectives: values["report-unused-directives"],
  };

  let result: RunResult;
  let skippedBundles = 0;
  const texts = new Map<string, string>();
  if (values.stdin) {
    const text = readStdin(io);
    result = runLintText({ ...common, paths: [], text, filePath: values["stdin-filename"] ?? STDIN_NAME });
    texts.set(result.files[0].filePath, text);
  } else {
    const config = loadConfigFor(common);
    const selection = selectFiles(positionals.length > 0 ? positionals : ["."], {
      cwd: io.cwd, config, ignorePatterns: values["ignore-pattern"], noIgnore: values["no-ignore"],
      includeNodeModules: values["include-node-modules"], includeBundles: values["include-bundles"], errorOnUnmatched: !values["no-error-on-unmatched-pattern"],
    });
    for (const warning of selection.warnings) io.stderr(`${warning}\n`);
    skippedBundles = selection.bundles.length;
    // Progress goes to stderr, on a terminal only: the report (stdout or -o) stays clean in any format.
    const showProgress = Boolean(io.stderrIsTTY) && !io.env.CI;
    const onProgress = showProgress ? progressPrinter(io) : undefined;
    const groups = (): WorkGroup[] => groupByProject(selection.files, { project: common.project, types: common.types });
    const shard = parseShard(values.shard);
    // A shard lints its piece of the whole selection; what importers say is read from all of it.
    const files = shard ? partitionWork(groups(), shard.count)[shard.index - 1] : selection.files;
    const workers = parseConcurrency(values.concurrency, groups);
    result = await runLintPlanned({
      ...common, paths: [], files, importerFiles: selection.files, noGitignore: values["no-ignore"], includeNodeModules: values["include-node-modules"],
      onProgress, pieces: workers, runPieces: workerRunner(values.plugin, onProgress), collectBetweenPrograms: true,
      cache: values.cache ? path.resolve(io.cwd, values["cache-location"]) : undefined,
      cacheKey: { version: packageVersion(), plugins: values.plugin.map((p) => pluginStamp(p, io.cwd)) },
    });
  }
  if (values.quiet) {
    for (const file of result.files) file.diagnostics = file.diagnostics.filter((d) => d.severity === "error");
  }
  const unusedSuppressions = values.stdin ? undefined : baseline(values, result, io);

  const context = createReportContext(io.cwd, texts);
  const report = await render(format, result.files, { rules, context, color, version: packageVersion(), dryRun: values["fix-dry-run"], maxWarnings });
  writeReport(report, values["output-file"], io.cwd, io.stdout);
  if (values.stats) io.stderr(formatStats(result, skippedBundles, io.cwd));
  if (values.debug) io.stderr(formatDebug(result, io.cwd));
  for (const warning of tsconfigWarnings(result.files, io.cwd)) io.stderr(`${warning}\n`);

  // A rule's own fault (it threw, or its fix was refused) is reported but leaves the exit
  // code to the findings of the rules that ran: the run itself completed.
  const faults = result.files.flatMap((f) => f.diagnostics).filter(isEngineFault);
  if (faults.length > 0) io.stderr(`leaklint: ${faults.length} rule fault(s) (internal-error / invalid-fix) were reported; the other rules ran.\n`);
  if (unusedSuppressions) {
    io.stderr(unusedSuppressions);
    return 2;
  }
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

function checkCombinations(values: CliValues, positionals: readonly string[]): void {
  const conflict = (a: string, b: string): never => {
    throw new UsageError(`${a} and ${b} cannot be used together`);
  };
  if (values.fix && values["fix-dry-run"]) conflict("--fix", "--fix-dry-run");
  if (values["suppress-all"] && values["suppress-rule"].length > 0) conflict("--suppress-all", "--suppress-rule");
  if ((values["suppress-all"] || values["suppress-rule"].length > 0) && values["prune-suppressions"]) conflict("--suppress-all/--suppress-rule", "--prune-suppressions");
  if (values["fix-type"].length > 0 && !values.fix && !values["fix-dry-run"]) throw new UsageError("--fix-type needs --fix or --fix-dry-run");
  if (values["stdin-filename"] !== undefined && !values.stdin) throw new UsageError("--stdin-filename needs --stdin");
  if (values.stdin && values.fix) throw new UsageError("--fix cannot write to standard input; use --fix-dry-run --format json (each finding carries the fixed `output`)");
  if (values.stdin && positionals.length > 0) throw new UsageError("--stdin lints standard input: give no paths (use --stdin-filename to name the text)");
  if (values.stdin && values.shard !== undefined) conflict("--stdin", "--shard");
  if (values.stdin && (values["suppress-all"] || values["suppress-rule"].length > 0 || values["prune-suppressions"])) conflict("--stdin", "the suppression options");
}

/**
 * Bulk suppressions: update the file when asked (--suppress-all / --suppress-rule /
 * --prune-suppressions), then drop the suppressed findings from the results. Returns the
 * message for unused suppressions when they make the run fail.
 */
function baseline(values: CliValues, result: RunResult, io: CliIo): string | undefined {
  const location = path.resolve(io.cwd, values["suppressions-location"]);
  let suppressions = readSuppressions(location);
  const suppressing = values["suppress-all"] || values["suppress-rule"].length > 0;
  if (suppressing) suppressions = suppress(suppressions, result.files, io.cwd, values["suppress-all"] ? undefined : values["suppress-rule"]);
  if (values["prune-suppressions"]) suppressions = prune(suppressions, result.files, io.cwd);
  if (suppressing || values["prune-suppressions"]) writeSuppressions(location, suppressions);
  const { unused } = applySuppressions(result.files, suppressions, io.cwd);
  if (unused.length === 0 || values["pass-on-unpruned-suppressions"]) return undefined;
  return describeUnused(unused, path.relative(io.cwd, location) || location);
}

function readStdin(io: CliIo): string {
  try {
    return io.readStdin ? io.readStdin() : fs.readFileSync(0, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read standard input: ${(error as Error).message}`);
  }
}

function explain(ruleId: string, rules: readonly RuleModule[], io: CliIo): number {
  const doc = ruleDocumentation(ruleId, rules, [RULE_DOCS_DIR])?.markdown;
  if (!doc) throw new UsageError(`unknown rule "${ruleId}" (known: ${rules.map((r) => r.id).join(", ")})`);
  io.stdout(doc.endsWith("\n") ? doc : doc + "\n");
  return 0;
}

/** A plugin's code as part of the cache's key: its path and text. */
function pluginStamp(specifier: string, cwd: string): string {
  const file = resolvePlugin(specifier, cwd);
  return `${file}:${hashText(fs.readFileSync(file))}`;
}

/** `leaklint: 120/2688 files` on one line, rewritten at most every PROGRESS_EVERY_MS, and ended when all are done. */
function progressPrinter(io: CliIo): (done: number, total: number) => void {
  let shown = 0;
  return (done, total) => {
    if (total < PROGRESS_THRESHOLD) return;
    const now = performance.now();
    if (done < total && now - shown < PROGRESS_EVERY_MS) return;
    shown = now;
    io.stderr(`\rleaklint: ${done}/${total} files${done === total ? "\n" : ""}`);
  };
}

export function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8")).version as string;
  } catch {
    return "0.0.0";
  }
}
