// The npm packages as a team installs them: `npm pack` each (leaklint, leaklint-lsp,
// eslint-plugin-leaklint), check what they ship, and install the tarballs into scratch
// projects in the temp directory — one on TypeScript 5.x (the CLI, the library's types,
// ESLint with the plugin and the language server all on the project's compiler, one copy,
// the same findings as on 6.0), one without TypeScript and one on the native TypeScript 7
// (both fall back to the pinned 6.0). Installs use the npm cache first (--prefer-offline).
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { FIXTURES_DIR, REPO_ROOT } from "./lib/fixtures";
import { TestClient } from "./lib/lsp-client";

const execFileAsync = promisify(execFile);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-packages-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const EXAMPLE = path.join(REPO_ROOT, "examples", "leaky-service");
const TYPED_FIXTURE = path.join(FIXTURES_DIR, "uncleared-interval", "typed-once"); // types change its findings
const PACKAGES = { leaklint: "rules", "leaklint-lsp": "server", "eslint-plugin-leaklint": "eslint-plugin" } as const;
const TYPESCRIPT_RANGE = ">=5.3.0 <6.1.0";

/** npm without the variables of an enclosing `npm test` (they would point it at this repository). */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
Object.assign(env, { npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false", npm_config_prefer_offline: "true" });

function run(cwd: string, command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function npm(cwd: string, ...args: string[]): string {
  const result = run(cwd, "npm", args);
  assert.equal(result.status, 0, `npm ${args.join(" ")} failed in ${cwd}:\n${result.stderr}`);
  return result.stdout;
}

/** The version of a package this repository has installed (so installs hit the npm cache). */
function installed(name: string, from = REPO_ROOT): string {
  return `${name}@${(require(require.resolve(`${name}/package.json`, { paths: [from] })) as { version: string }).version}`;
}

let tarballs: Record<string, string>;
let packed: Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
before(() => {
  packed = JSON.parse(npm(REPO_ROOT, "pack", "--json", "--pack-destination", work, ...Object.values(PACKAGES).flatMap((dir) => ["-w", dir])));
  tarballs = Object.fromEntries(packed.map((p) => [p.name, path.join(work, p.filename)]));
});

/** A scratch project with `files` copied in and `packages` installed as devDependencies. */
function scratch(name: string, copies: Record<string, string>, packages: string[]): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true }));
  for (const [to, from] of Object.entries(copies)) fs.cpSync(from, path.join(dir, to), { recursive: true });
  npm(dir, "install", "--save-dev", ...packages);
  return dir;
}

/** Every installed copy of `typescript` in the project, as versions. */
function typescriptCopies(dir: string): string[] {
  const found: string[] = [];
  const visit = (modules: string): void => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules)) {
      const full = path.join(modules, entry);
      if (entry.startsWith("@")) visit(full);
      else if (entry === "typescript") found.push((JSON.parse(fs.readFileSync(path.join(full, "package.json"), "utf8")) as { version: string }).version);
      if (!entry.startsWith("@") && !entry.startsWith(".")) visit(path.join(full, "node_modules"));
    }
  };
  visit(path.join(dir, "node_modules"));
  return found.sort();
}

/** The TypeScript the installed leaklint engine loads. */
function engineTypescript(dir: string): string {
  const engine = path.dirname(require.resolve("leaklint", { paths: [dir] }));
  return (require(require.resolve("typescript/package.json", { paths: [engine] })) as { version: string }).version;
}

/** `leaklint --format json` in `cwd`, with paths relative to it. */
function leaklintJson(cwd: string, bin: string[], ...args: string[]): Array<Record<string, unknown>> {
  const result = run(cwd, bin[0], [...bin.slice(1), "--format", "json", ...args]);
  assert.ok(result.status === 0 || result.status === 1, `leaklint exited ${result.status}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as Array<Record<string, unknown>>).map((d) => ({ ...d, filePath: path.relative(cwd, String(d.filePath)) }));
}
const REPO_CLI = [process.execPath, path.join(REPO_ROOT, "rules", "bin", "leaklint.js")];
const NPX_LEAKLINT = ["npx", "--no", "--", "leaklint"];

test("each package ships what runs: code, types, bin, README and LICENSE; no build info, no source maps", () => {
  const shipped = /^(dist\/.+\.(js|d\.ts|json)|bin\/[\w-]+\.js|src\/rules\/[a-z-]+\.md|README\.md|LICENSE|package\.json)$/;
  assert.deepEqual(packed.map((p) => p.name).sort(), Object.keys(PACKAGES).sort());
  for (const pkg of packed) {
    const files = pkg.files.map((f) => f.path);
    assert.deepEqual(files.filter((f) => !shipped.test(f)), [], pkg.name);
    for (const required of ["README.md", "LICENSE", "package.json"]) assert.ok(files.includes(required), `${pkg.name} lacks ${required}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, PACKAGES[pkg.name as keyof typeof PACKAGES], "package.json"), "utf8"));
    assert.equal(manifest.license, "MIT");
    assert.equal(manifest.private, undefined, `${pkg.name} is private`);
    const entries = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})].filter(Boolean).map((f: string) => f.replace(/^\.\//, ""));
    for (const entry of entries) assert.ok(files.includes(entry), `${pkg.name}: ${entry} is not in the package`);
    if (pkg.name !== "eslint-plugin-leaklint") {
      assert.equal(manifest.dependencies.typescript, TYPESCRIPT_RANGE, pkg.name);
      assert.equal(manifest.peerDependencies.typescript, TYPESCRIPT_RANGE, pkg.name);
    }
  }
});

describe("a project on TypeScript 5.x with leaklint, leaklint-lsp and eslint-plugin-leaklint", () => {
  let dir: string;
  before(() => {
    dir = scratch("ts5", { src: path.join(EXAMPLE, "src"), "tsconfig.json": path.join(EXAMPLE, "tsconfig.json") }, [
      "typescript@5.9.3", installed("@types/node"), installed("@types/express"), installed("@types/pg"), installed("@types/react"), installed("rxjs"),
      installed("eslint", path.join(REPO_ROOT, "eslint-plugin")), installed("typescript-eslint"), ...Object.values(tarballs),
    ]);
  });

  test("one copy of TypeScript, the project's, which the engine loads", () => {
    assert.deepEqual(typescriptCopies(dir), ["5.9.3"]);
    assert.equal(engineTypescript(dir), "5.9.3");
    assert.match(npm(dir, "ls", "typescript", "--all"), /leaklint@0\.1\.0\n[\s\S]*typescript@5\.9\.3 deduped/);
  });

  test("npx leaklint finds on TypeScript 5.9 what the repository's CLI finds on 6.0 in the example", () => {
    const expected = leaklintJson(EXAMPLE, REPO_CLI);
    assert.ok(expected.length >= 13);
    assert.deepEqual(leaklintJson(dir, NPX_LEAKLINT), expected);
  });

  test("the fixtures give the same findings on TypeScript 5.9 as on 6.0", async () => {
    const script = path.join(dir, "lint-fixtures.js");
    fs.writeFileSync(script, `"use strict";
const path = require("path");
const { runLint, rules } = require(require.resolve("leaklint", { paths: [process.argv[2]] }));
const root = process.argv[3];
const files = runLint({ paths: [root], cwd: root, rules }).files;
process.stdout.write(JSON.stringify(files.map((f) => [path.relative(root, f.filePath), f.diagnostics.map((d) => ({ ...d, fileName: path.relative(root, d.fileName), related: d.related.length }))])));
`);
    // Both at once: the typed fixtures build ten programs each.
    const lintWith = async (from: string): Promise<Array<[string, unknown[]]>> =>
      JSON.parse((await execFileAsync(process.execPath, [script, from, FIXTURES_DIR], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 })).stdout);
    const [on6, on5] = await Promise.all([lintWith(REPO_ROOT), lintWith(dir)]);
    assert.ok(on6.flatMap(([, d]) => d).length >= 200);
    assert.deepEqual(on5, on6);
  });

  test("the library API type-checks with the project's TypeScript", () => {
    fs.mkdirSync(path.join(dir, "tools"));
    fs.writeFileSync(path.join(dir, "tools", "report.ts"), `import { type LintDiagnostic, runLint, rules } from "leaklint";
const found: LintDiagnostic[] = runLint({ paths: ["src"], rules }).files.flatMap((f) => f.diagnostics);
export const lines: string[] = found.map((d) => \`\${d.fileName}:\${d.startPos.line} \${d.ruleId}\`);
`);
    fs.writeFileSync(path.join(dir, "tools", "tsconfig.json"), JSON.stringify({
      compilerOptions: { module: "node16", moduleResolution: "node16", target: "ES2022", strict: true, noEmit: true, types: ["node"] }, include: ["*.ts"],
    }));
    const tsc = run(dir, "npx", ["--no", "--", "tsc", "-p", "tools"]);
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });

  test("ESLint with the installed plugin and typescript-eslint reports the CLI's findings", () => {
    fs.writeFileSync(path.join(dir, "eslint.config.mjs"), `import leaklint from "eslint-plugin-leaklint";
import tseslint from "typescript-eslint";
export default [
  { files: ["**/*.ts", "**/*.tsx"], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true } } },
  leaklint.configs.recommended,
];
`);
    const eslint = run(dir, "npx", ["--no", "--", "eslint", "--format", "json", "src"]);
    assert.ok(eslint.status === 0 || eslint.status === 1, eslint.stderr);
    const results = JSON.parse(eslint.stdout) as Array<{ filePath: string; messages: Array<Record<string, unknown>> }>;
    const got = results.flatMap((r) => r.messages.map((m) =>
      `${path.relative(dir, r.filePath)}:${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId} ${m.severity} ${m.message}`)).sort();
    const expected = leaklintJson(dir, NPX_LEAKLINT).map((d) =>
      `${d.filePath}:${d.line}:${d.column}-${d.endLine}:${d.endColumn} leaklint/${d.ruleId} ${d.severity === "error" ? 2 : 1} ${d.message}`).sort();
    assert.deepEqual(got, expected);
  });

  test("the installed leaklint-lsp bin answers over stdio with the findings", async () => {
    const client = await TestClient.start({ root: dir, serverBin: path.join(dir, "node_modules", ".bin", "leaklint-lsp"), initializationOptions: { debounceMs: 10 } });
    try {
      const document = client.open(path.join(dir, "src", "timers", "metrics.ts"));
      const diagnostics = await client.diagnosticsFor(document.uri, document.version);
      assert.ok(diagnostics.some((d) => d.code === "uncleared-interval"), JSON.stringify(diagnostics));
    } finally {
      await client.stop();
    }
  });
});

for (const [name, typescript, fallback] of [["no TypeScript", undefined, "6.0.3"], ["only the native TypeScript 7", "typescript@7.0.2", "6.0.3"]] as const) {
  test(`a project with ${name}: leaklint falls back to TypeScript ${fallback} and lints with types`, () => {
    const dir = scratch(name.replace(/\W+/g, "-"), { src: TYPED_FIXTURE }, [...(typescript ? [typescript] : []), installed("@types/node"), tarballs.leaklint]);
    assert.equal(engineTypescript(dir), fallback);
    assert.deepEqual(typescriptCopies(dir), typescript ? [fallback, typescript.split("@")[1]].sort() : [fallback]);
    const typed = leaklintJson(dir, NPX_LEAKLINT, "src");
    assert.deepEqual(typed.map((d) => d.ruleId), ["uncleared-interval"]);
    assert.deepEqual(typed, leaklintJson(path.dirname(TYPED_FIXTURE), REPO_CLI, "typed-once").map((d) => ({ ...d, filePath: String(d.filePath).replace("typed-once", "src") })));
    assert.notDeepEqual(leaklintJson(dir, NPX_LEAKLINT, "src", "--no-types"), typed); // the types made the difference
  });
}
