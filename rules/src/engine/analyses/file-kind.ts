// File kinds: whether a file is a test (its leaks die with the test process, but leaked
// handles make tests flaky) or a committed bundle / generated file (nobody edits it, and
// its minified code explains nothing). Discovery skips bundles and the host applies the
// built-in test-files override (`TEST_FILES_OVERRIDE`); rules that need the kind read the
// declared `fileKind` analysis instead of matching paths themselves.
import fs from "node:fs";
import { defineAnalysis } from "../core/analysis";

export type FileKind = "test" | "script" | "bundle" | "source";

/** Test files, in gitignore syntax (matched against the path relative to the config's folder). */
export const TEST_FILE_GLOBS: readonly string[] = [
  "*.test.*", "*.spec.*", "test/", "tests/", "spec/", "__tests__/", "fixtures/", "e2e/", "integration-tests/", "*-tests/", "*_tests/",
];
/**
 * Families whose findings the built-in override turns off in test files: growth, timers, listeners and
 * request contexts die with the test run (signals and controllers of a test are the test's own).
 */
export const TEST_FILES_OFF_FAMILIES: readonly string[] = ["growth", "timer", "listener", "context"];
/**
 * Resource rules the built-in override also turns off in test files: an unread response body holds
 * nothing a test run waits for (the body is freed at GC and its socket does not keep the process alive),
 * unlike an open pool, stream or descriptor, which can keep a test runner from exiting.
 */
export const TEST_FILES_OFF_RULES: readonly string[] = ["unconsumed-response-body"];

/**
 * One-shot scripts (build, release, maintenance, examples), in gitignore syntax: run to completion and exit.
 * Example folders are often named for what they show (`push-examples/`, `api_examples/`).
 */
export const SCRIPT_FILE_GLOBS: readonly string[] = ["scripts/", ".scripts/", "examples/", "example/", "*-examples/", "*_examples/"];
/** Families the built-in override turns off in scripts: the process exits, and with it every descriptor and socket it held. */
export const SCRIPT_FILES_OFF_FAMILIES: readonly string[] = ["resource"];

const SCRIPT_PATH = /(^|[/\\])(\.?scripts|examples?|[\w.]+[-_]examples)[/\\]/;
const BUNDLE_PATHS = /(^|[/\\])\.yarn[/\\](releases|plugins)[/\\]|\.min\.[cm]?js$|[.-]bundle\.[cm]?js$/;
const TEST_PATH = /(^|[/\\])(test|tests|spec|__tests__|fixtures|e2e|[\w.]+-tests|[\w.]+_tests)[/\\]|\.(test|spec)\.[cm]?[jt]sx?$/;
/** A line this long is minified or generated, not written by hand. */
const BUNDLE_LINE = 4000;
/** With a trailing `sourceMappingURL`, a shorter line is enough. */
const MAPPED_BUNDLE_LINE = 500;
/**
 * Minifiers that wrap at a column (Closure Compiler, some Terser set-ups) leave no line near
 * `BUNDLE_LINE`, but their lines average hundreds of characters over many kilobytes; hand-written
 * code, even string tables and locale files, averages well under this.
 */
const MINIFIED_AVERAGE_LINE = 250;
const MINIFIED_MIN_BYTES = 16 * 1024;
const HEAD_BYTES = 64 * 1024;

/** The file's kind, from its path and text (once per file). */
export const fileKind = defineAnalysis({
  id: "file-kind",
  run: ({ sourceFile }): FileKind => classifyFile(sourceFile.fileName, sourceFile.text),
});

/** Whether a path (relative to its project) is a test file's: `*.test.*`, `*.spec.*`, or under `test/`, `spec/`, `__tests__/`, `e2e/`, `e2e-tests/`, `e2e_tests/` … */
export function isTestPath(fileName: string): boolean {
  return TEST_PATH.test(fileName);
}

export function classifyFile(fileName: string, text: string): FileKind {
  if (isBundleText(fileName, text.slice(0, HEAD_BYTES), text.slice(-512))) return "bundle";
  if (isTestPath(fileName)) return "test";
  return SCRIPT_PATH.test(fileName) ? "script" : "source";
}

/** Whether a file on disk is a committed bundle or generated file (reads its first 64 KB and last 512 bytes). */
export function isCommittedBundle(file: string): boolean {
  if (BUNDLE_PATHS.test(file)) return true;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    fs.readSync(fd, head, 0, head.length, 0);
    const tailLength = Math.min(size, 512);
    const tail = Buffer.alloc(tailLength);
    fs.readSync(fd, tail, 0, tailLength, size - tailLength);
    return isBundleText(file, head.toString("utf8"), tail.toString("utf8"));
  } catch {
    return false; // unreadable: let the parser report it
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function isBundleText(fileName: string, head: string, tail: string): boolean {
  if (BUNDLE_PATHS.test(fileName)) return true;
  if (/@generated\b/.test(head.slice(0, 1024))) return true;
  const longest = longestLine(head);
  if (longest >= BUNDLE_LINE) return true;
  if (head.length >= MINIFIED_MIN_BYTES && head.length / lineCount(head) >= MINIFIED_AVERAGE_LINE) return true;
  return longest >= MAPPED_BUNDLE_LINE && /\/[/*][#@] sourceMappingURL=\S+\s*(\*\/)?\s*$/.test(tail);
}

function lineCount(text: string): number {
  let lines = 1;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) lines++;
  return lines;
}

function longestLine(text: string): number {
  let longest = 0;
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    const length = (end < 0 ? text.length : end) - start;
    if (length > longest) longest = length;
    if (end < 0) return longest;
    start = end + 1;
  }
}
