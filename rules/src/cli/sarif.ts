// SARIF 2.1.0 output: one run, the rules with help URIs and their documentation as help
// text, results with locations (relative to the repository root, as code scanning expects),
// stable partialFingerprints, related locations and fixes (as SARIF artifact changes).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type FileResult, type LintDiagnostic, type RuleModule, ENGINE_RULES, docsUrlFor, fixLabel } from "../engine";
import { readRuleDoc } from "../docs";
import { type ReportContext, fingerprints, repoPath } from "./report-context";

/** The key of leaklint's fingerprint in `partialFingerprints` (versioned: a new scheme gets a new key). */
export const FINGERPRINT_KEY = "leaklintFingerprint/v1";

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** What another report (`leaklint heap`) adds: rule descriptors, and per result a message suffix and properties. */
export interface SarifExtras {
  rules?: object[];
  annotate?: (d: LintDiagnostic) => { message: string; properties: Record<string, unknown> } | undefined;
}

export function formatSarif(results: readonly FileResult[], rules: readonly RuleModule[], context: ReportContext, version: string, extras: SarifExtras = {}): string {
  const descriptors = [
    ...rules.map((rule) => ({
      id: rule.id,
      name: rule.id,
      shortDescription: { text: rule.meta.description },
      help: helpOf(rule),
      helpUri: docsUrlFor(rule.id),
      defaultConfiguration: { level: level(rule.meta.defaultSeverity) },
      properties: { family: rule.meta.family, fix: fixLabel(rule.meta) },
    })),
    ...Object.values(ENGINE_RULES).map((id) => ({
      id,
      name: id,
      shortDescription: { text: `leaklint engine: ${id}` },
      help: { text: `A finding of leaklint itself (${id}), not of a rule: see the documentation.` },
      helpUri: docsUrlFor(id),
      defaultConfiguration: { level: "error" },
      properties: { family: "engine" },
    })),
    ...(extras.rules ?? []) as Array<{ id: string }>,
  ];
  const indexOf = new Map(descriptors.map((d, i) => [d.id, i]));
  const uri = (file: string): string => repoPath(context, file);
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "leaklint", version, informationUri: "https://github.com/leaklint/leaklint", rules: descriptors } },
      originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(context.repoRoot + path.sep).href } },
      results: results.flatMap((result) => withFingerprints(context, result).map(([d, fingerprint]) => ({
        ruleId: d.ruleId,
        ruleIndex: indexOf.get(d.ruleId),
        level: level(d.severity),
        message: { text: d.message + (extras.annotate?.(d)?.message ?? "") },
        locations: [location(uri(result.filePath), regionOf(d))],
        partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
        relatedLocations: d.related.map((r, i) => ({
          id: i + 1,
          message: { text: r.message },
          physicalLocation: { artifactLocation: { uri: uri(r.fileName), uriBaseId: "SRCROOT" }, region: { charOffset: r.start, charLength: r.end - r.start } },
        })),
        fixes: d.fixes.map((fix) => ({
          description: { text: fix.description },
          artifactChanges: [{
            artifactLocation: { uri: uri(result.filePath), uriBaseId: "SRCROOT" },
            replacements: fix.edits.map((e) => ({
              deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
              insertedContent: { text: e.newText },
            })),
          }],
        })),
        properties: { family: d.family, safeFixes: d.fixes.filter((f) => f.safe).length, ...extras.annotate?.(d)?.properties },
      }))),
    }],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

function withFingerprints(context: ReportContext, result: FileResult): Array<[LintDiagnostic, string]> {
  const prints = fingerprints(context, result);
  return result.diagnostics.map((d, i) => [d, prints[i]]);
}

/** The rule's documentation page as help text (markdown), or its description for a rule without one. */
function helpOf(rule: RuleModule): { text: string; markdown?: string } {
  const doc = readRuleDoc(rule.id);
  return doc ? { text: doc, markdown: doc } : { text: rule.meta.description };
}

function location(uri: string, region: Region): object {
  return { physicalLocation: { artifactLocation: { uri, uriBaseId: "SRCROOT" }, region } };
}

function regionOf(d: LintDiagnostic): Region {
  return { startLine: d.startPos.line, startColumn: d.startPos.column, endLine: d.endPos.line, endColumn: d.endPos.column };
}

function level(severity: string): "error" | "warning" | "note" {
  return severity === "error" ? "error" : severity === "warning" ? "warning" : "note";
}
