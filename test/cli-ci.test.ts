// The built `leaklint` binary's CI formats and recipes: the GitLab Code Quality report
// (checked against GitLab's fields), Checkstyle XML, SARIF fingerprints and help, custom
// formatter modules with ESLint's signature, --output-file, paths from the repository root,
// every `npx leaklint` command of docs/ci.md (read from the page) and the script of action.yml.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import AjvDraft04 from "ajv-draft-04";
import { BIN, SARIF_SCHEMA, runLeaklint } from "./lib/cli-run";
import { REPO_ROOT } from "./lib/fixtures";
import { LEAKY, STREAM_LEAK, scratchProjects } from "./lib/scratch";

const project = scratchProjects("leaklint-ci-");

/** GitLab's Code Quality report: the fields GitLab reads (docs.gitlab.com, "Code Quality report format"). */
const GITLAB_SCHEMA = {
  type: "array",
  items: {
    type: "object",
    required: ["description", "check_name", "fingerprint", "severity", "location"],
    properties: {
      description: { type: "string", minLength: 1 },
      check_name: { type: "string", minLength: 1 },
      fingerprint: { type: "string", minLength: 1 },
      severity: { enum: ["info", "minor", "major", "critical", "blocker"] },
      location: {
        type: "object",
        required: ["path", "lines"],
        properties: {
          path: { type: "string", pattern: "^[^/]" },
          lines: { type: "object", required: ["begin"], properties: { begin: { type: "integer", minimum: 1 } } },
        },
      },
    },
  },
};
const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
const validateGitlab = ajv.compile(GITLAB_SCHEMA);
const validateSarif = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, "utf8")));

interface GitlabIssue { check_name: string; fingerprint: string; severity: string; location: { path: string; lines: { begin: number } } }
interface SarifLog {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; help: { text: string; markdown?: string } }> } };
    results: Array<{ ruleId: string; partialFingerprints: Record<string, string>; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }>;
  }>;
}

function twoFiles(): string {
  return project({ "src/poller.ts": `${LEAKY}\n${LEAKY.replace("Poller", "Second")}`, "src/stream.ts": STREAM_LEAK });
}

describe("CI formats", () => {
  test("--format gitlab: GitLab's Code Quality fields, unique fingerprints that survive code moving down", () => {
    const dir = twoFiles();
    const result = runLeaklint(dir, ["--format", "gitlab"]);
    assert.equal(result.code, 1);
    const issues = JSON.parse(result.stdout) as GitlabIssue[];
    assert.ok(validateGitlab(issues), JSON.stringify(validateGitlab.errors));
    assert.equal(validateGitlab([{ ...issues[0], severity: "error" }]), false, "the check can fail");
    assert.deepEqual(issues.map((i) => [i.location.path, i.check_name, i.severity, i.location.lines.begin]), [
      ["src/poller.ts", "uncleared-interval", "major", 3], ["src/poller.ts", "uncleared-interval", "major", 11], ["src/stream.ts", "unclosed-stream", "minor", 3],
    ]);
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, 3, "two equal leaks in one file still get two fingerprints");
    fs.writeFileSync(path.join(dir, "src/poller.ts"), `// a header\n\n${fs.readFileSync(path.join(dir, "src/poller.ts"), "utf8")}`);
    const moved = JSON.parse(runLeaklint(dir, ["--format", "gitlab"]).stdout) as GitlabIssue[];
    assert.deepEqual(moved.map((i) => i.location.lines.begin), [5, 13, 3]);
    assert.deepEqual(moved.map((i) => i.fingerprint), issues.map((i) => i.fingerprint));
  });

  test("--format sarif: stable partialFingerprints and each rule's documentation as help; still valid SARIF 2.1.0", () => {
    const dir = twoFiles();
    const first = JSON.parse(runLeaklint(dir, ["--format", "sarif"]).stdout) as SarifLog;
    assert.ok(validateSarif(first), JSON.stringify(validateSarif.errors, null, 2));
    const prints = first.runs[0].results.map((r) => r.partialFingerprints["leaklintFingerprint/v1"]);
    assert.equal(new Set(prints).size, 3);
    const rules = first.runs[0].tool.driver.rules;
    const interval = rules.find((r) => r.id === "uncleared-interval")!;
    assert.equal(interval.help.markdown, fs.readFileSync(path.join(REPO_ROOT, "rules/src/rules/uncleared-interval.md"), "utf8"));
    assert.ok(rules.every((r) => r.help.text.length > 0));
    fs.writeFileSync(path.join(dir, "src/stream.ts"), `\n\n\n${STREAM_LEAK}`);
    const moved = JSON.parse(runLeaklint(dir, ["--format", "sarif"]).stdout) as SarifLog;
    assert.deepEqual(moved.runs[0].results.map((r) => r.partialFingerprints["leaklintFingerprint/v1"]), prints);
    assert.equal(moved.runs[0].results[2].locations[0].physicalLocation.region.startLine, 6);
  });

  test("--format checkstyle: one <file> per file with findings, attributes escaped", () => {
    const dir = project({ "src/a&b.ts": LEAKY, "src/ok.ts": "export const x = 1;\n" });
    const result = runLeaklint(dir, ["--format", "checkstyle"]);
    assert.equal(result.code, 1);
    const xml = result.stdout;
    assert.match(xml, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<checkstyle version="4\.3">\n/);
    assert.equal(xml.match(/<file /g)?.length, 1);
    assert.ok(xml.includes(`<file name="${path.join(dir, "src/a&amp;b.ts")}">`));
    assert.match(xml, /<error line="3" column="5" severity="error" message="The handle of this `setInterval`[^"<>]*callback&apos;s[^"<>]*\(uncleared-interval\)" source="leaklint\.uncleared-interval" \/>/);
    assert.match(xml, /<\/file>\n<\/checkstyle>\n$/);
  });

  test("a formatter module with ESLint's signature, and -o/--output-file", () => {
    const formatter = `module.exports = async (results, context) => JSON.stringify({
      cwd: context.cwd,
      meta: context.rulesMeta["uncleared-interval"],
      results: results.map((r) => ({ file: r.filePath, errors: r.errorCount, warnings: r.warningCount, fixable: r.fixableErrorCount,
        messages: r.messages.map((m) => [m.ruleId, m.severity, m.line, m.column, typeof m.fix?.text]) })),
    });\n`;
    const dir = project({ "src/poller.ts": LEAKY, "src/stream.ts": STREAM_LEAK, "tools/formatter.js": formatter, "tools/broken.js": "module.exports = 42;\n", "tools/throws.js": "module.exports = () => { throw new Error('nope'); };\n" });
    const result = runLeaklint(dir, ["src", "--format", "./tools/formatter.js", "-o", "reports/leaks.json"]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, "", "the report goes to the file");
    const report = JSON.parse(fs.readFileSync(path.join(dir, "reports/leaks.json"), "utf8"));
    assert.equal(report.cwd, dir);
    assert.equal(report.meta.docs.url.endsWith("uncleared-interval.md"), true);
    assert.equal(report.meta.fixable, "code");
    assert.deepEqual(report.results.map((r: { file: string }) => path.relative(dir, r.file)), ["src/poller.ts", "src/stream.ts"]);
    assert.deepEqual(report.results[0].messages, [["uncleared-interval", 2, 3, 5, "string"]]);
    assert.deepEqual([report.results[0].errors, report.results[0].fixable, report.results[1].warnings], [1, 1, 1]);
    for (const [format, message] of [["./tools/broken.js", /must export a function/], ["./tools/throws.js", /the formatter failed: Error: nope/], ["./tools/none.js", /unknown format/]] as const) {
      const bad = runLeaklint(dir, ["--format", format]);
      assert.equal(bad.code, 2, format);
      assert.match(bad.stderr, message);
    }
    const sarifFile = runLeaklint(dir, ["--format", "sarif", "--output-file", "leaklint.sarif"]);
    assert.equal(sarifFile.stdout, "");
    assert.ok(validateSarif(JSON.parse(fs.readFileSync(path.join(dir, "leaklint.sarif"), "utf8"))));
  });

  test("github, sarif and gitlab paths are relative to the repository root when run in a sub-folder", () => {
    const dir = project({ "packages/api/src/poller.ts": LEAKY });
    const sub = path.join(dir, "packages/api");
    assert.match(runLeaklint(sub, ["--format", "github"]).stdout, /^::error file=packages\/api\/src\/poller\.ts,line=3,/);
    const sarif = JSON.parse(runLeaklint(sub, ["--format", "sarif"]).stdout) as SarifLog;
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, "packages/api/src/poller.ts");
    assert.equal((JSON.parse(runLeaklint(sub, ["--format", "gitlab"]).stdout) as GitlabIssue[])[0].location.path, "packages/api/src/poller.ts");
  });
});

/** The `npx leaklint …` commands of a docs/ci.md section, as argument lists; `entry:` lines get the staged files appended, as pre-commit does. */
function recipeCommands(section: string): Array<{ args: string[]; appendsFiles: boolean }> {
  const commands: Array<{ args: string[]; appendsFiles: boolean }> = [];
  for (const line of section.split("\n")) {
    const match = /npx leaklint((?: +[^\s'"#|`]+)*)/.exec(line);
    if (match) commands.push({ args: match[1].trim().split(/ +/).filter(Boolean), appendsFiles: /^\s*entry:/.test(line) });
  }
  return commands;
}

function checkReport(dir: string, args: string[], stdout: string): void {
  const format = args[args.indexOf("--format") + 1];
  const outputAt = Math.max(args.indexOf("--output-file"), args.indexOf("-o"));
  const text = outputAt >= 0 ? fs.readFileSync(path.join(dir, args[outputAt + 1]), "utf8") : stdout;
  if (!args.includes("--format")) return;
  if (format === "sarif") assert.ok(validateSarif(JSON.parse(text)), `${args.join(" ")}: SARIF invalid`);
  else if (format === "gitlab") assert.ok(validateGitlab(JSON.parse(text)) && JSON.parse(text).length === 2, `${args.join(" ")}: GitLab report invalid`);
  else if (format === "checkstyle") assert.match(text, /<checkstyle version="4\.3">/);
  else if (format === "github") assert.match(text, /^::warning file=src\/stream\.ts/m);
}

describe("docs/ci.md and action.yml", () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, "docs/ci.md"), "utf8");
  const sections = new Map(doc.split(/^## /m).slice(1).map((s) => [s.slice(0, s.indexOf("\n")), s]));

  test("every recipe has a command, and every command of the page runs on a project with leaks", () => {
    for (const recipe of ["GitHub Actions", "GitLab CI", "Jenkins", "pre-commit"]) {
      const title = [...sections.keys()].find((t) => t.startsWith(recipe));
      assert.ok(title && recipeCommands(sections.get(title)!).length > 0, `no command in the ${recipe} recipe`);
    }
    let ran = 0;
    for (const [title, section] of sections) {
      for (const { args, appendsFiles } of recipeCommands(section)) {
        const dir = project({ "src/poller.ts": LEAKY, "src/stream.ts": STREAM_LEAK });
        const full = appendsFiles ? [...args, "src/poller.ts", "src/stream.ts"] : args;
        const result = runLeaklint(dir, full);
        assert.ok(result.code === 0 || result.code === 1, `${title}: npx leaklint ${full.join(" ")} exited ${result.code}: ${result.stderr}`);
        if (full.includes("--suppress-all")) assert.equal(result.code, 0, `${title}: the baseline suppresses everything`);
        else assert.equal(result.code, 1, `${title}: npx leaklint ${full.join(" ")} must fail on the error-level leak`);
        checkReport(dir, full, result.stdout);
        ran++;
      }
    }
    assert.ok(ran >= 6, `only ${ran} commands found`);
  });

  test("action.yml's script runs the project's leaklint, else the published one through npx, and reports the exit code", () => {
    const action = fs.readFileSync(path.join(REPO_ROOT, "action.yml"), "utf8");
    assert.match(action, /^runs:\n {2}using: composite$/m);
    const block = /- id: run\n(?:.*\n)*? {6}run: \|\n((?: {8}.*\n|\n)+)/.exec(action);
    assert.ok(block, "the run step's script");
    const script = block[1].replace(/^ {8}/gm, "");
    const shims = project({ "npx": `#!/bin/sh\n[ "$1" = --yes ] && shift\ncase "$1" in leaklint@*) shift;; *) exit 9;; esac\necho "npx ran" >&2\nexec "${process.execPath}" "${BIN}" "$@"\n` });
    fs.chmodSync(path.join(shims, "npx"), 0o755);
    const run = (dir: string, env: Record<string, string>): { code: number; stdout: string; stderr: string; outputs: string } => {
      const outputs = path.join(dir, "github-output.txt");
      fs.writeFileSync(outputs, "");
      const result = spawnSync("bash", ["-c", script], {
        cwd: dir, encoding: "utf8",
        env: { ...process.env, PATH: `${shims}:${process.env.PATH}`, GITHUB_OUTPUT: outputs, LEAKLINT_VERSION: "1.0.0", CI: "true", ...env },
      });
      return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, outputs: fs.readFileSync(outputs, "utf8") };
    };
    const dir = project({ "src/poller.ts": LEAKY, "src/stream.ts": STREAM_LEAK });
    const sarif = run(dir, { LEAKLINT_ARGS: "src", LEAKLINT_FORMAT: "sarif", LEAKLINT_OUTPUT: "leaklint.sarif" });
    assert.equal(sarif.code, 0, sarif.stderr);
    assert.match(sarif.stderr, /npx ran/);
    assert.equal(sarif.outputs, "exit-code=1\n");
    assert.ok(validateSarif(JSON.parse(fs.readFileSync(path.join(dir, "leaklint.sarif"), "utf8"))));
    const github = run(dir, { LEAKLINT_ARGS: "src/stream.ts --rule unclosed-stream:warn", LEAKLINT_FORMAT: "github", LEAKLINT_OUTPUT: "unused" });
    assert.match(github.stdout, /^::warning file=src\/stream\.ts/);
    assert.equal(github.outputs, "exit-code=0\n");
    const broken = run(dir, { LEAKLINT_ARGS: "missing", LEAKLINT_FORMAT: "sarif", LEAKLINT_OUTPUT: "x.sarif" });
    assert.equal(broken.code, 2, "a usage error fails the step");
    fs.mkdirSync(path.join(dir, "node_modules/.bin"), { recursive: true });
    fs.writeFileSync(path.join(dir, "node_modules/.bin/leaklint"), `#!/bin/sh\necho "local ran" >&2\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
    const local = run(dir, { LEAKLINT_ARGS: "src", LEAKLINT_FORMAT: "gitlab", LEAKLINT_OUTPUT: "gl-code-quality-report.json" });
    assert.match(local.stderr, /local ran/);
    assert.doesNotMatch(local.stderr, /npx ran/);
    assert.ok(validateGitlab(JSON.parse(fs.readFileSync(path.join(dir, "gl-code-quality-report.json"), "utf8"))));
  });
});
