// SARIF 2.1.0 output: one run, the rules with help URIs, results with locations,
// related locations and fixes (as SARIF fixes with artifact changes).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type FileResult, type LintDiagnostic, type RuleModule, ENGINE_RULES, docsUrlFor, fixLabel } from "../engine";

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export function formatSarif(results: readonly FileResult[], rules: readonly RuleModule[], cwd: string, version: string): string {
  const descriptors = [
    ...rules.map((rule) => ({
      id: rule.id,
      name: rule.id,
      shortDescription: { text: rule.meta.description },
      helpUri: docsUrlFor(rule.id),
      defaultConfiguration: { level: level(rule.meta.defaultSeverity) },
      properties: { family: rule.meta.family, fix: fixLabel(rule.meta) },
    })),
    ...Object.values(ENGINE_RULES).map((id) => ({
      id,
      name: id,
      shortDescription: { text: `leaklint engine: ${id}` },
      helpUri: docsUrlFor(id),
      defaultConfiguration: { level: "error" },
      properties: { family: "engine" },
    })),
  ];
  const indexOf = new Map(descriptors.map((d, i) => [d.id, i]));
  const uri = (file: string): string => path.relative(cwd, file).split(path.sep).join("/");
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "leaklint", version, informationUri: "https://github.com/leaklint/leaklint", rules: descriptors } },
      originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd + path.sep).href } },
      results: results.flatMap((result) => result.diagnostics.map((d) => ({
        ruleId: d.ruleId,
        ruleIndex: indexOf.get(d.ruleId),
        level: level(d.severity),
        message: { text: d.message },
        locations: [location(uri(result.filePath), regionOf(d))],
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
        properties: { family: d.family, safeFixes: d.fixes.filter((f) => f.safe).length },
      }))),
    }],
  };
  return JSON.stringify(log, null, 2) + "\n";
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
