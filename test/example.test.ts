// The example project is the main job's target: every `// LEAK:` marker must be
// reported (on the code it annotates, within a few lines below it), every rule must fire
// somewhere, and nothing may be reported near an `// OK:` twin or away from any marker.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { type LintDiagnostic, runLint, rules } from "leaklint";
import { REPO_ROOT } from "./lib/fixtures";

const EXAMPLE = path.join(REPO_ROOT, "examples", "leaky-service");
const REACH = 6; // a marker annotates code up to this many lines below it

interface Marker {
  file: string;
  line: number;
  kind: "LEAK" | "OK";
}

const result = runLint({ paths: [EXAMPLE], cwd: EXAMPLE, rules });
const markers: Marker[] = result.files.flatMap((f) =>
  fs.readFileSync(f.filePath, "utf8").split("\n").flatMap((text, i): Marker[] => {
    const match = /\/\/\s*(LEAK|OK):/.exec(text);
    return match ? [{ file: f.filePath, line: i + 1, kind: match[1] as Marker["kind"] }] : [];
  }));

function markerFor(d: LintDiagnostic): Marker | undefined {
  const candidates = markers.filter((m) => m.file === d.fileName && m.line <= d.startPos.line && d.startPos.line - m.line <= REACH);
  return candidates.sort((a, b) => b.line - a.line)[0];
}

test("the example project is linted with types and parses", () => {
  assert.ok(result.files.length >= 5, `only ${result.files.length} files`);
  const engine = result.files.flatMap((f) => f.diagnostics.filter((d) => d.family === "engine"));
  assert.deepEqual(engine.map((d) => `${d.fileName}:${d.startPos.line} ${d.message}`), []);
});

test("every diagnostic belongs to a LEAK marker", () => {
  const stray = result.files.flatMap((f) => f.diagnostics)
    .filter((d) => markerFor(d)?.kind !== "LEAK")
    .map((d) => `${path.relative(EXAMPLE, d.fileName)}:${d.startPos.line} ${d.ruleId}: ${d.message}`);
  assert.deepEqual(stray, []);
});

test("every LEAK marker is reported", () => {
  const all = result.files.flatMap((f) => f.diagnostics);
  const silent = markers.filter((m) => m.kind === "LEAK" && !all.some((d) => markerFor(d) === m))
    .map((m) => `${path.relative(EXAMPLE, m.file)}:${m.line}`);
  assert.deepEqual(silent, []);
});

test("every rule fires in the example and has a correct twin", () => {
  const fired = new Set(result.files.flatMap((f) => f.diagnostics.map((d) => d.ruleId)));
  assert.deepEqual(rules.map((r) => r.id).filter((id) => !fired.has(id)), []);
  assert.ok(markers.filter((m) => m.kind === "OK").length >= rules.length, "fewer OK twins than rules");
});
