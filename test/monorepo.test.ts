// Monorepos and tsconfigs (issue 12, item 4), on real projects written to a temp folder and
// linted with the real TypeScript program and the repository's real `@types/node`: solution-
// style tsconfigs follow their references, several tsconfigs in one folder are all used,
// TypeScript 6's empty `types` default does not drop `@types/*`, programs are let go once
// their files are linted, and the done-when monorepo with two packages and a Vue file.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import v8 from "node:v8";
import type ts from "typescript";
import { type FileResult, type RuleModule, TsconfigLookup, createLintUnits, defineRule, readableTsconfig, rules, runLint, unitFiles } from "leaklint";
import { REPO_ROOT } from "./lib/fixtures";
import { runLeaklint } from "./lib/cli-run";
import { TestClient } from "./lib/lsp-client";
import { serverListener, typedProjects } from "./lib/scratch";

/** Only typed: `srv` is a server because its type says so (from `@types/node`), not its name. */
const SERVER_LISTENER = serverListener();

const OPTIONS = { strict: true, target: "ES2022", module: "nodenext", moduleResolution: "nodenext", skipLibCheck: true, noEmit: true };
const tsconfig = (extra: object, compilerOptions: object = {}): string =>
  JSON.stringify({ compilerOptions: { ...OPTIONS, ...compilerOptions }, ...extra }, null, 2);

/** A project with the repository's real `@types/node` visible at its root. */
const project = typedProjects("leaklint-monorepo-");

function lint(dir: string, extra: { rules?: readonly RuleModule[]; project?: string } = {}): Map<string, FileResult> {
  const result = runLint({ paths: [dir], cwd: dir, rules: extra.rules ?? rules, project: extra.project });
  return new Map(result.files.map((f) => [path.relative(dir, f.filePath).split(path.sep).join("/"), f]));
}

const ids = (file: FileResult | undefined): string[] => (file?.diagnostics ?? []).map((d) => `${d.startPos.line}:${d.ruleId}`);
const typedWith = (dir: string, file: FileResult | undefined): string | undefined => file?.tsconfig && path.relative(dir, file.tsconfig);

/** The done-when layout: a solution-style root over two packages, one of them a Vite-style web package with a Vue file. */
function solutionMonorepo(): string {
  const vue = [
    "<template><p>{{ now }}</p></template>",
    "<script setup lang=\"ts\">",
    "import { ref } from \"vue\";",
    "const now = ref(Date.now());",
    "setInterval(() => { now.value = Date.now(); }, 1000);",
    "</script>",
    "",
  ].join("\n");
  return project({
    "tsconfig.json": JSON.stringify({ files: [], references: [{ path: "./packages/api" }, { path: "./packages/web" }] }),
    "packages/api/tsconfig.json": tsconfig({ include: ["src"] }, { composite: true }),
    "packages/api/src/server.ts": SERVER_LISTENER,
    "packages/web/tsconfig.json": JSON.stringify({
      files: [], references: [{ path: "./tsconfig.app.json" }],
    }),
    "packages/web/tsconfig.app.json": tsconfig({ include: ["src/**/*.ts", "src/**/*.vue"] }, { composite: true, lib: ["ES2022", "DOM"] }),
    "packages/web/src/ssr.ts": SERVER_LISTENER,
    "packages/web/src/Clock.vue": vue,
  });
}

describe("monorepos and tsconfigs", () => {
  test("a solution-style tsconfig (files: [] + references, the Vite layout) hands each file to the project that references it", () => {
    const dir = project({
      "tsconfig.json": JSON.stringify({ files: [], references: [{ path: "./tsconfig.app.json" }, { path: "./tsconfig.node.json" }] }),
      "tsconfig.app.json": tsconfig({ include: ["src"] }, { types: ["node"], lib: ["ES2022", "DOM"] }),
      "tsconfig.node.json": tsconfig({ include: ["vite.config.ts"] }, { types: ["node"], lib: ["ES2022"] }),
      "src/server.ts": SERVER_LISTENER,
      "vite.config.ts": "export default { server: { port: 5173 } };\n",
    });
    const files = lint(dir);
    assert.equal(typedWith(dir, files.get("src/server.ts")), "tsconfig.app.json");
    assert.equal(typedWith(dir, files.get("vite.config.ts")), "tsconfig.node.json");
    assert.deepEqual(ids(files.get("src/server.ts")), ["4:listener-not-removed"]);
    // The same through --project: the solution's references are followed.
    assert.equal(typedWith(dir, lint(dir, { project: path.join(dir, "tsconfig.json") }).get("src/server.ts")), "tsconfig.app.json");
  });

  test("several tsconfigs covering one folder are all used: a file gets the first that includes it; a base config for extends is not one", () => {
    const dir = project({
      "tsconfig.base.json": tsconfig({}, { types: ["node"] }),
      "tsconfig.json": JSON.stringify({ extends: "./tsconfig.base.json", include: ["src"], exclude: ["src/webviews"] }),
      "tsconfig.webviews.json": JSON.stringify({ extends: "./tsconfig.base.json", compilerOptions: { lib: ["ES2022", "DOM"] }, include: ["src/webviews"] }),
      "src/extension.ts": SERVER_LISTENER,
      "src/webviews/panel.ts": SERVER_LISTENER,
      "scripts/build.ts": SERVER_LISTENER,
    });
    const files = lint(dir);
    assert.equal(typedWith(dir, files.get("src/extension.ts")), "tsconfig.json");
    assert.equal(typedWith(dir, files.get("src/webviews/panel.ts")), "tsconfig.webviews.json");
    assert.deepEqual(ids(files.get("src/webviews/panel.ts")), ["4:listener-not-removed"]);
    // tsconfig.base.json names no files (it would include the whole tree): scripts/ stays loose, and says which tsconfig left it out.
    assert.equal(files.get("scripts/build.ts")?.tsconfig, undefined);
    assert.equal(files.get("scripts/build.ts")?.notIncludedBy, path.join(dir, "tsconfig.json"));
    assert.deepEqual(ids(files.get("scripts/build.ts")), []);
  });

  test("a JavaScript project's jsconfig.json types its files (allowJs, as VS Code reads it); a tsconfig.json beside it comes first", () => {
    const dir = project({
      "web/jsconfig.json": JSON.stringify({ compilerOptions: { checkJs: false }, include: ["src"] }),
      "web/src/cache.js": "export class ImageCache {\n  constructor() {\n    this.entries = new Map();\n    setInterval(() => this.entries.clear(), 300_000);\n  }\n}\n",
      "web/src/main.js": "import { ImageCache } from \"./cache.js\";\nexport const cache = new ImageCache();\n",
      "both/tsconfig.json": tsconfig({ include: ["src"] }, { allowJs: true }),
      "both/jsconfig.json": JSON.stringify({ include: ["src"] }),
      "both/src/index.js": "export const x = 1;\n",
    });
    const files = lint(dir);
    assert.equal(typedWith(dir, files.get("web/src/cache.js")), path.join("web", "jsconfig.json"));
    // With the program, the class is known to be made once, by main.js's top level: its interval runs for the process.
    assert.deepEqual(ids(files.get("web/src/cache.js")), []);
    assert.equal(typedWith(dir, files.get("both/src/index.js")), path.join("both", "tsconfig.json"));
  });

  test("a file its nearest tsconfig leaves out goes on to the tsconfigs above it (as tsserver does)", () => {
    const dir = project({
      "tsconfig.json": tsconfig({ include: ["packages/*/src", "packages/*/test"] }, { types: ["node"] }),
      "packages/api/tsconfig.json": tsconfig({ include: ["src"] }, { types: ["node"] }),
      "packages/api/src/server.ts": SERVER_LISTENER,
      "packages/api/test/server.ts": SERVER_LISTENER,
    });
    const lookup = new TsconfigLookup(readableTsconfig);
    assert.deepEqual(lookup.find(path.join(dir, "packages/api/src/server.ts")).tsconfig, path.join(dir, "packages/api/tsconfig.json"));
    assert.deepEqual(lookup.find(path.join(dir, "packages/api/test/server.ts")), {
      tsconfig: path.join(dir, "tsconfig.json"), nearest: path.join(dir, "packages/api/tsconfig.json"),
    });
  });

  test("a tsconfig without `types` sees every visible @types package (TypeScript 5's default), one that sets `types` gets what it says", () => {
    const dir = project({
      "a/tsconfig.json": tsconfig({ include: ["*.ts"] }),
      "a/server.ts": SERVER_LISTENER,
      "b/tsconfig.json": tsconfig({ include: ["*.ts"] }, { types: [] }),
      "b/server.ts": SERVER_LISTENER,
      // Every visible @types package is no evidence that the code runs in a browser, even with the DOM lib.
      "c/tsconfig.json": tsconfig({ include: ["*.ts"] }, { lib: ["ES2022", "DOM"] }),
      "c/ping.ts": "export async function ping(url: string): Promise<boolean> {\n  const res = await fetch(url);\n  return res.ok;\n}\n",
    });
    const files = lint(dir);
    assert.deepEqual(ids(files.get("c/ping.ts")), ["2:unconsumed-response-body"]);
    assert.deepEqual(ids(files.get("a/server.ts")), ["4:listener-not-removed"]);
    assert.deepEqual(ids(files.get("b/server.ts")), [], "types: [] is kept: no @types/node, so `srv` is not known to be a server");
    const [unit] = createLintUnits([path.join(dir, "a", "server.ts")]);
    const [{ types }] = [...unitFiles(unit)];
    assert.ok(types?.program.getSourceFiles().some((f) => f.fileName.includes("@types/node/")), "@types/node is in the program");
    assert.deepEqual(types?.program.getCompilerOptions().types, ["*"]);
  });

  test("a program is let go once its files are linted: at most the previous one is still alive while the next is linted", () => {
    const packages = ["a", "b", "c", "d", "e"];
    // Each package checks one more thing, so each has its own program (packages whose options are equal share one: program-groups.ts).
    const checks = ["noUnusedLocals", "noUnusedParameters", "exactOptionalPropertyTypes", "noImplicitOverride", "noPropertyAccessFromIndexSignature"];
    const dir = project(Object.fromEntries(packages.flatMap((name, i) => [
      [`packages/${name}/tsconfig.json`, tsconfig({ include: ["src"] }, { types: ["node"], [checks[i]]: true })],
      [`packages/${name}/src/index.ts`, SERVER_LISTENER],
      [`packages/${name}/src/util.ts`, "export const twice = (n: number): number => n * 2;\n"],
    ])));
    const counts: Array<{ alive: number; own: number }> = [];
    const seen = new Set<string>();
    const probe = defineRule({
      id: "program-probe",
      meta: { family: "resource", description: "counts live source files", fix: "none", requiresTypeInfo: false, requires: [], defaultSeverity: "warning" },
      messages: { none: "never reported" },
      schema: {},
      defaultOptions: {},
      create(context) {
        const { facts } = context;
        const tsconfigDir = facts.hasTypes ? path.dirname(String(facts.program.getCompilerOptions().configFilePath)) : undefined;
        if (tsconfigDir && !seen.has(tsconfigDir)) {
          seen.add(tsconfigDir);
          const SourceFile = Object.getPrototypeOf(context.sourceFile).constructor as new () => ts.SourceFile;
          counts.push({ alive: v8.queryObjects(SourceFile, { format: "count" }) as number, own: facts.program.getSourceFiles().length });
        }
        return {};
      },
    });
    lint(dir, { rules: [probe] });
    assert.equal(counts.length, packages.length);
    // Built all at once, five programs would be alive from the first file on. (The last file
    // linted keeps its program reachable until the next file is linted.)
    for (const { alive, own } of counts) assert.ok(alive < own * 2.5, `${alive} source files alive while a program of ${own} is linted (${JSON.stringify(counts)})`);
  });

  test("done when: a solution-style monorepo with two packages and a Vue file gets typed findings in both packages", () => {
    const dir = solutionMonorepo();
    const run = runLeaklint(dir, ["--format", "json", "--debug"]);
    assert.equal(run.code, 1, run.stderr);
    const found = (JSON.parse(run.stdout) as Array<{ filePath: string; ruleId: string; line: number }>)
      .map((f) => `${path.relative(dir, f.filePath).split(path.sep).join("/")}:${f.line}:${f.ruleId}`).sort();
    assert.deepEqual(found, [
      "packages/api/src/server.ts:4:listener-not-removed",
      "packages/web/src/Clock.vue:5:uncleared-interval",
      "packages/web/src/ssr.ts:4:listener-not-removed",
    ]);
    assert.match(run.stderr, /packages\/api\/src\/server\.ts: typed with packages\/api\/tsconfig\.json/);
    assert.match(run.stderr, /packages\/web\/src\/ssr\.ts: typed with packages\/web\/tsconfig\.app\.json/);
    // TypeScript reads no .vue file: its script block is linted as before, without types.
    assert.match(run.stderr, /packages\/web\/src\/Clock\.vue: without types/);
  });

  test("the language server picks the same tsconfigs: typed findings in both packages of the solution", async () => {
    const dir = solutionMonorepo();
    const client = await TestClient.start({ root: dir, initializationOptions: { debounceMs: 0 } });
    try {
      for (const file of ["packages/api/src/server.ts", "packages/web/src/ssr.ts"]) {
        const document = client.open(path.join(dir, file));
        const found = await client.diagnosticsFor(document.uri, document.version);
        assert.deepEqual(found.map((d) => `${d.range.start.line + 1}:${String(d.code)}`), ["4:listener-not-removed"], file);
      }
    } finally {
      await client.stop();
    }
  });
});
