// ESLint with eslint-plugin-leaklint, for the plugin's tests: the real ESLint 9 the plugin
// workspace installs (and the root's ESLint 10), typescript-eslint's parser, and the
// findings of both ESLint and the CLI as comparable lines.
import path from "node:path";
import type { ESLint as ESLintClass, Linter } from "eslint";
import plugin from "eslint-plugin-leaklint";
import type { LintDiagnostic, RunResult } from "leaklint";
import { REPO_ROOT } from "./fixtures";

type EslintModule = typeof import("eslint");

export const PLUGIN_DIR = path.join(REPO_ROOT, "eslint-plugin");
export const EXAMPLE = path.join(REPO_ROOT, "examples", "leaky-service");

/** ESLint 9 (the plugin workspace's devDependency) and ESLint 10 (the root's). */
export const ESLINTS: ReadonlyArray<[string, EslintModule]> = [
  ["ESLint 9", require(require.resolve("eslint", { paths: [PLUGIN_DIR] })) as EslintModule],
  ["ESLint 10", require(require.resolve("eslint", { paths: [REPO_ROOT] })) as EslintModule],
];
export const ESLINT_9 = ESLINTS[0][1];

export const tseslint = require(require.resolve("typescript-eslint", { paths: [PLUGIN_DIR] })) as { parser: Linter.Parser };

export const TS_FILES = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"];
export const JS_FILES = ["**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs"];

/**
 * TypeScript files through typescript-eslint: typed with its project service or with `project: true`
 * (the nearest tsconfig; a program per tsconfig), or parsed without a program.
 */
export function typescriptFiles(root: string, program: "service" | "project" | "none"): Linter.Config {
  // With `CI=true` typescript-eslint infers a single run and caches one program per tsconfig for the
  // process; the second ESLint (10 after 9) then gets a program whose imports do not resolve, and
  // TypeScript 6.0.3 throws while wording that error. A user's CI runs one ESLint per process: so do these.
  const single = { disallowAutomaticSingleRunInference: true };
  const parserOptions = program === "service" ? { projectService: true, tsconfigRootDir: root, ...single }
    : program === "project" ? { project: true, tsconfigRootDir: root, ...single } : {};
  return { files: TS_FILES, languageOptions: { parser: tseslint.parser, parserOptions } };
}

/** JavaScript files through ESLint's default parser (espree), JSX on. */
export const javascriptFiles: Linter.Config = {
  files: JS_FILES,
  languageOptions: { ecmaVersion: "latest", sourceType: "module", parserOptions: { ecmaFeatures: { jsx: true } } },
};

export function eslintFor(eslint: EslintModule, cwd: string, configs: Linter.Config[], fix = false): ESLintClass {
  return new eslint.ESLint({ cwd, overrideConfigFile: true, overrideConfig: [...configs, plugin.configs.recommended], fix });
}

/** `file:line:col-endLine:endCol ruleId severity message`, ESLint's way (1-based columns, 2 = error). */
export function eslintLines(results: readonly ESLintClass.LintResult[], root: string): string[] {
  return results.flatMap((r) => r.messages.map((m) =>
    `${path.relative(root, r.filePath)}:${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId} ${m.severity} ${m.message}`)).sort();
}

export function cliLines(result: RunResult, root: string): string[] {
  return result.files.flatMap((f) => f.diagnostics.map((d) => cliLine(d, path.relative(root, f.filePath)))).sort();
}

function cliLine(d: LintDiagnostic, file: string): string {
  const ruleId = d.family === "engine" ? d.ruleId : `leaklint/${d.ruleId}`;
  return `${file}:${d.startPos.line}:${d.startPos.column}-${d.endPos.line}:${d.endPos.column} ${ruleId} ${d.severity === "error" ? 2 : 1} ${d.message}`;
}
