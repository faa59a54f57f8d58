// The built `leaklint` binary on scratch projects, for what a team needs to adopt it:
// bulk suppressions (a baseline for legacy code), no silent no-ops (unmatched or ignored
// arguments, files a tsconfig leaves without types), and the ESLint-style flags
// (--stdin, --fix-dry-run, --fix-type, --print-config, globs, ignores, colour, --init, JSONC).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { CLI_OPTIONS, HELP } from "leaklint/dist/cli/args";
import { runLeaklint } from "./lib/cli-run";
import { REPO_ROOT } from "./lib/fixtures";
import { CLEAN, LEAKY, STREAM_LEAK, scratchProjects } from "./lib/scratch";

const project = scratchProjects("leaklint-adopt-");
const TYPED = JSON.stringify({ compilerOptions: { strict: true, types: ["node"], lib: ["ES2022"], noEmit: true, typeRoots: [path.join(REPO_ROOT, "node_modules", "@types")] }, include: ["src"] });
/** unclosed-stream is a warning by default; the baseline tests need two error-level rules. */
const STREAMS_ARE_ERRORS = JSON.stringify({ rules: { "unclosed-stream": "error" } });
/** LEAKY with a second dropped interval: two uncleared-interval findings in one file. */
const TWO_LEAKS = LEAKY.replace("  poll(): void {}", "  poll(): void {\n    setInterval(() => undefined, 5);\n  }");

function ids(stdout: string, dir: string): string[] {
  return (JSON.parse(stdout) as Array<{ filePath: string; ruleId: string; line: number }>)
    .map((d) => `${path.relative(dir, d.filePath).split(path.sep).join("/")}:${d.line}:${d.ruleId}`).sort();
}

describe("bulk suppressions", () => {
  test("--suppress-all, then a clean run exits 0; a new leak in a suppressed file exits 1 and reports every finding of that rule there", () => {
    const dir = project({ "src/poller.ts": LEAKY, "src/stream.ts": STREAM_LEAK, "leaklint.config.json": STREAMS_ARE_ERRORS });
    assert.equal(runLeaklint(dir, []).code, 1);
    const suppressing = runLeaklint(dir, ["--suppress-all"]);
    assert.equal(suppressing.code, 0, suppressing.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "leaklint-suppressions.json"), "utf8")), {
      "src/poller.ts": { "uncleared-interval": { count: 1 } },
      "src/stream.ts": { "unclosed-stream": { count: 1 } },
    });
    const clean = runLeaklint(dir, []);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.equal(clean.stdout, "");

    fs.writeFileSync(path.join(dir, "src/poller.ts"), TWO_LEAKS);
    const grown = runLeaklint(dir, ["--format", "json"]);
    assert.equal(grown.code, 1);
    assert.deepEqual(ids(grown.stdout, dir), ["src/poller.ts:3:uncleared-interval", "src/poller.ts:6:uncleared-interval"]);
  });

  test("--suppress-rule suppresses one rule; warnings are never suppressed", () => {
    const dir = project({ "src/poller.ts": LEAKY, "src/stream.ts": STREAM_LEAK, "leaklint.config.json": STREAMS_ARE_ERRORS });
    assert.equal(runLeaklint(dir, ["--suppress-rule", "unclosed-stream"]).code, 1, "the interval is still an error");
    assert.deepEqual(ids(runLeaklint(dir, ["--format", "json"]).stdout, dir), ["src/poller.ts:3:uncleared-interval"]);
    assert.equal(runLeaklint(dir, ["--suppress-rule", "no-such-rule"]).code, 2);
    const warned = project({ "src/poller.ts": LEAKY });
    runLeaklint(warned, ["--suppress-all", "--rule", "uncleared-interval:warn"]);
    assert.equal(fs.existsSync(path.join(warned, "leaklint-suppressions.json")), true);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(warned, "leaklint-suppressions.json"), "utf8")), {});
  });

  test("unused suppressions exit 2 and are named; --prune-suppressions removes them; --pass-on-unpruned-suppressions passes", () => {
    const dir = project({ "src/poller.ts": TWO_LEAKS });
    runLeaklint(dir, ["--suppress-all"]);
    fs.writeFileSync(path.join(dir, "src/poller.ts"), LEAKY);
    const stale = runLeaklint(dir, []);
    assert.equal(stale.code, 2);
    assert.match(stale.stderr, /src\/poller\.ts: uncleared-interval \(suppressed 2, found 1\)/);
    assert.match(stale.stderr, /--prune-suppressions/);
    assert.equal(runLeaklint(dir, ["--pass-on-unpruned-suppressions"]).code, 0);
    assert.equal(runLeaklint(dir, ["--prune-suppressions"]).code, 0);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "leaklint-suppressions.json"), "utf8")), { "src/poller.ts": { "uncleared-interval": { count: 1 } } });
    assert.equal(runLeaklint(dir, []).code, 0);
  });

  test("--suppressions-location, and a broken suppressions file is a clear error", () => {
    const dir = project({ "src/poller.ts": LEAKY });
    assert.equal(runLeaklint(dir, ["--suppress-all", "--suppressions-location", "config/baseline.json"]).code, 0);
    assert.equal(fs.existsSync(path.join(dir, "config/baseline.json")), true);
    assert.equal(runLeaklint(dir, []).code, 1, "the default file does not exist");
    assert.equal(runLeaklint(dir, ["--suppressions-location", "config/baseline.json"]).code, 0);
    fs.writeFileSync(path.join(dir, "leaklint-suppressions.json"), JSON.stringify({ "src/poller.ts": { "uncleared-interval": 3 } }));
    const broken = runLeaklint(dir, []);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /suppressions file .*leaklint-suppressions\.json: src\/poller\.ts: uncleared-interval: must be \{ "count"/);
  });
});

describe("no silent no-ops", () => {
  test("an argument that matches no file, or only ignored files, exits 2 (unless --no-error-on-unmatched-pattern)", () => {
    const dir = project({
      "src/a.ts": CLEAN, "docs/readme.md": "# x\n", "gen/b.ts": LEAKY, "vendor/lib.min.js": "setInterval(() => {}, 1);\n",
      "leaklint.config.json": JSON.stringify({ ignores: ["gen/"] }),
    });
    const cases: Array<[string[], RegExp]> = [
      [["missing"], /no files matching the pattern "missing" were found/],
      [["src/**/*.js"], /no files matching the pattern "src\/\*\*\/\*\.js"/],
      [["docs"], /no files to lint in "docs"/],
      [["gen"], /all files matched by "gen" are ignored/],
      [["vendor"], /all files matched by "vendor" are ignored/],
      [["docs/readme.md"], /docs\/readme\.md is not a file leaklint lints/],
      [["src", "missing"], /"missing"/],
    ];
    for (const [args, message] of cases) {
      const result = runLeaklint(dir, args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    const tolerated = runLeaklint(dir, ["src", "missing", "--no-error-on-unmatched-pattern"]);
    assert.equal(tolerated.code, 0, tolerated.stderr);
    assert.match(tolerated.stderr, /warning: no files matching the pattern "missing"/);
    assert.equal(runLeaklint(project({ ".git/x": "" }), []).code, 2, "an empty project lints nothing");
  });

  test("a named file that is ignored is a warning, and --no-ignore lints it", () => {
    const dir = project({ "gen/b.ts": LEAKY, ".gitignore": "build/\n", "build/c.ts": LEAKY, "src/a.ts": CLEAN, "leaklint.config.json": JSON.stringify({ ignores: ["gen/"] }) });
    const named = runLeaklint(dir, ["gen/b.ts"]);
    assert.equal(named.code, 0);
    assert.match(named.stderr, /gen\/b\.ts: file ignored because of a matching ignore pattern \(use --no-ignore/);
    assert.deepEqual(ids(runLeaklint(dir, ["--no-ignore", "--format", "json"]).stdout, dir), ["build/c.ts:3:uncleared-interval", "gen/b.ts:3:uncleared-interval"]);
  });

  test("a tsconfig that includes none of the linted files, or leaves neighbours out, is a warning with the reason; --debug names each file's tsconfig", () => {
    const none = project({ "tsconfig.json": JSON.stringify({ compilerOptions: { noEmit: true }, include: ["lib"] }), "src/a.ts": CLEAN, "lib/.keep": "" });
    const warned = runLeaklint(none, []);
    assert.equal(warned.code, 0);
    assert.match(warned.stderr, /warning: tsconfig\.json includes none of the 1 linted file\(s\) under it, so they were linted without types \(src\/a\.ts\)/);

    const partly = project({ "tsconfig.json": TYPED, "src/a.ts": CLEAN, "scripts/build.ts": CLEAN });
    const some = runLeaklint(partly, ["--debug"]);
    assert.equal(some.code, 0, some.stderr);
    assert.match(some.stderr, /warning: 1 file\(s\) next to tsconfig\.json were linted without types: its "include"\/"files" do not cover them \(scripts\/build\.ts\)/);
    assert.match(some.stderr, /leaklint: src\/a\.ts: typed with tsconfig\.json\n/);
    assert.match(some.stderr, /leaklint: scripts\/build\.ts: without types: tsconfig\.json does not include it\n/);
    const stats = runLeaklint(partly, ["--stats"]).stderr;
    assert.match(stats, /\ntsconfig\.json\s+1\n/);
    assert.match(stats, /\n\(without types\)\s+1\n/);
    assert.doesNotMatch(runLeaklint(partly, ["src"]).stderr, /warning/, "no warning when every linted file is typed");
  });
});

describe("ESLint-style flags", () => {
  test("--help lists every option", () => {
    for (const name of Object.keys(CLI_OPTIONS)) assert.ok(HELP.includes(`--${name}`), `--${name} is missing from --help`);
    assert.equal(runLeaklint(project({}), ["--help"]).stdout, HELP);
  });

  test("--stdin with --stdin-filename: the text is linted as that file, with its tsconfig's types and its config", () => {
    const dir = project({ "tsconfig.json": TYPED, "src/piped.ts": CLEAN, "leaklint.config.json": JSON.stringify({ rules: { "unclosed-stream": "warn" } }) });
    const result = runLeaklint(dir, ["--stdin", "--stdin-filename", "src/piped.ts", "--format", "json", "--debug"], { input: `${LEAKY}\n${STREAM_LEAK}` });
    assert.equal(result.code, 1, result.stderr);
    const findings = JSON.parse(result.stdout) as Array<{ filePath: string; ruleId: string; severity: string }>;
    assert.deepEqual(findings.map((f) => [path.relative(dir, f.filePath), f.ruleId, f.severity]),
      [["src/piped.ts", "uncleared-interval", "error"], ["src/piped.ts", "unclosed-stream", "warning"]]);
    assert.match(result.stderr, /src\/piped\.ts: typed with tsconfig\.json/);
    assert.equal(runLeaklint(dir, ["--stdin"], { input: CLEAN }).code, 0);
    const outside = runLeaklint(dir, ["--stdin", "--stdin-filename", "scripts/x.ts", "--debug"], { input: CLEAN });
    assert.match(outside.stderr, /scripts\/x\.ts: typed with tsconfig\.json/, "a text not on disk takes its nearest tsconfig");
    assert.equal(runLeaklint(dir, ["--stdin", "--fix"], { input: LEAKY }).code, 2);
    assert.equal(runLeaklint(dir, ["--stdin-filename", "a.ts"]).code, 2);
  });

  test("--fix-dry-run leaves files alone and gives the fixed text; --fix-type fixes only the families named", () => {
    const both = `${LEAKY}\n${STREAM_LEAK.replace("return String(stream.path);", "if (!file) return \"\";\n  stream.pipe(process.stdout);\n  return file;")}`;
    const dir = project({ "src/a.ts": both });
    const dry = runLeaklint(dir, ["--fix-dry-run", "--format", "json"]);
    assert.equal(fs.readFileSync(path.join(dir, "src/a.ts"), "utf8"), both, "nothing written");
    const findings = JSON.parse(dry.stdout) as Array<{ ruleId: string; output?: string }>;
    assert.deepEqual(findings.map((f) => f.ruleId).sort(), ["uncleared-interval", "unclosed-stream"]);
    const output = findings[0].output!;
    assert.ok(findings.every((f) => f.output === output));
    assert.match(output, /clearInterval\(this\.interval\)/);
    assert.match(output, /stream\.destroy\(\); return "";/);
    runLeaklint(dir, ["--fix"]);
    assert.equal(fs.readFileSync(path.join(dir, "src/a.ts"), "utf8"), output, "the dry run shows what --fix writes");

    const timersOnly = project({ "src/a.ts": both });
    const typed = runLeaklint(timersOnly, ["--fix", "--fix-type", "timer", "--format", "json"]);
    assert.deepEqual((JSON.parse(typed.stdout) as Array<{ ruleId: string }>).map((f) => f.ruleId), ["unclosed-stream"]);
    const fixed = fs.readFileSync(path.join(timersOnly, "src/a.ts"), "utf8");
    assert.match(fixed, /clearInterval/);
    assert.doesNotMatch(fixed, /destroy\(\)/);
    assert.equal(runLeaklint(timersOnly, ["--fix", "--fix-type", "plumbing"]).code, 2);
    assert.equal(runLeaklint(timersOnly, ["--fix-type", "timer"]).code, 2, "--fix-type needs a fix flag");
  });

  test("--print-config shows the rules that apply to a file (overrides and built-in test-file defaults included)", () => {
    const config = `{
      // JSONC: comments and trailing commas
      "rules": { "uncleared-interval": "warn", },
      "ignores": ["gen/"],
      "overrides": [{ "files": ["legacy/"], "rules": { "unclosed-stream": "off" } }],
    }`;
    const dir = project({ "leaklint.config.json": config, "tsconfig.json": TYPED, "src/a.ts": CLEAN });
    const print = (file: string): { configFile: string; ignored: boolean; tsconfig: string; typed: boolean; rules: Record<string, unknown[]> } =>
      JSON.parse(runLeaklint(dir, ["--print-config", file]).stdout);
    const source = print("src/a.ts");
    assert.equal(source.configFile, path.join(dir, "leaklint.config.json"));
    assert.deepEqual([source.tsconfig, source.typed, source.ignored], [path.join(dir, "tsconfig.json"), true, false]);
    assert.deepEqual(source.rules["uncleared-interval"][0], "warn");
    assert.deepEqual(source.rules["unclosed-stream"][0], "warn", "the default");
    assert.deepEqual(source.rules["uncleared-interval"][1], { checkEntryPoints: false }, "the options");
    assert.deepEqual(print("legacy/old.ts").rules["unclosed-stream"], ["off"]);
    assert.deepEqual(print("src/a.test.ts").rules["unbounded-collection"], ["off"], "growth rules are off in test files");
    assert.equal(print("gen/x.ts").ignored, true);
  });

  test("glob arguments and --ignore-pattern", () => {
    const dir = project({ "src/a.ts": LEAKY, "src/deep/b.ts": LEAKY, "src/c.js": LEAKY, "lib/d.ts": LEAKY });
    const lint = (...args: string[]): string[] => ids(runLeaklint(dir, [...args, "--format", "json"]).stdout, dir).map((s) => s.split(":")[0]);
    assert.deepEqual(lint("src/**/*.ts"), ["src/a.ts", "src/deep/b.ts"]);
    assert.deepEqual(lint("src/*.{js,ts}"), ["src/a.ts", "src/c.js"]);
    assert.deepEqual(lint("src/?.ts", "lib"), ["lib/d.ts", "src/a.ts"]);
    assert.deepEqual(lint("--ignore-pattern", "deep/", "--ignore-pattern", "*.js"), ["lib/d.ts", "src/a.ts"]);
    assert.deepEqual(lint("--ignore-pattern", "src/", "--no-ignore", "src"), ["src/a.ts", "src/c.js", "src/deep/b.ts"]);
  });

  test("--color / --no-color, FORCE_COLOR and NO_COLOR", () => {
    const dir = project({ "a.ts": LEAKY });
    const colored = (args: string[], env: NodeJS.ProcessEnv = {}): boolean => runLeaklint(dir, args, { env }).stdout.includes("\u001b[");
    assert.equal(colored([]), false, "not a terminal");
    assert.equal(colored(["--color"]), true);
    assert.equal(colored([], { FORCE_COLOR: "1" }), true);
    assert.equal(colored(["--no-color"], { FORCE_COLOR: "1" }), false);
    assert.equal(colored(["--color"], { NO_COLOR: "1" }), true);
    assert.equal(colored([], { FORCE_COLOR: "0" }), false);
    assert.equal(runLeaklint(dir, ["--color", "--no-color"]).code, 2);
  });

  test("--init writes a commented JSONC config that leaklint reads; it never overwrites one", () => {
    const dir = project({ "src/a.ts": LEAKY });
    const init = runLeaklint(dir, ["--init"]);
    assert.equal(init.code, 0, init.stderr);
    const written = fs.readFileSync(path.join(dir, "leaklint.config.json"), "utf8");
    assert.match(written, /^\/\/ leaklint configuration/);
    assert.match(written, /\/\/ "uncleared-interval": "error",/);
    assert.equal(runLeaklint(dir, []).code, 1, "the defaults still apply");
    fs.writeFileSync(path.join(dir, "leaklint.config.json"), written.replace(`// "uncleared-interval": "error",`, `"uncleared-interval": "off",`));
    assert.equal(runLeaklint(dir, []).code, 0, "an uncommented line takes effect");
    assert.equal(runLeaklint(dir, ["--init"]).code, 2);
  });

  test("a JSONC config with a real error still names the file and the problem", () => {
    const dir = project({ "a.ts": CLEAN, ".leaklintrc.json": "// comment\n{ \"rules\": { \"uncleared-interval\": \"loud\", }, }\n" });
    const result = runLeaklint(dir, []);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\.leaklintrc\.json: rules\.uncleared-interval: must be one of/);
    const broken = project({ "a.ts": CLEAN, "leaklint.config.json": "/* open */ { \"rules\": \n" });
    assert.match(runLeaklint(broken, []).stderr, /leaklint\.config\.json: invalid JSON/);
  });
});
