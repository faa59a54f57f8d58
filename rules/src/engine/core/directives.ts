// Directive comments that silence rules:
//   // leaklint-disable-next-line rule-a, rule-b -- reason
//   // leaklint-disable-line rule-a
//   /* leaklint-disable rule-a */ … /* leaklint-enable rule-a */
// No rule list means every rule. Directives that silence nothing can be reported.
import ts from "typescript";

export type DirectiveKind = "disable-next-line" | "disable-line" | "disable" | "enable";

export interface Directive {
  kind: DirectiveKind;
  rules: string[];
  reason?: string;
  /** The comment's range. */
  start: number;
  end: number;
  used: boolean;
}

interface SilencedRange {
  directive: Directive;
  rules: string[];
  start: number;
  end: number;
}

const DIRECTIVE = /^(?:\/\/|\/\*)\s*leaklint-(disable-next-line|disable-line|disable|enable)\b([\s\S]*?)(?:\*\/)?$/;

export class Directives {
  readonly all: Directive[];
  private readonly ranges: SilencedRange[] = [];

  constructor(private readonly sourceFile: ts.SourceFile) {
    this.all = parseDirectives(sourceFile);
    this.buildRanges();
  }

  /** Whether a diagnostic of `ruleId` starting at `pos` is silenced; marks the directive used. */
  isSilenced(ruleId: string, pos: number): boolean {
    let silenced = false;
    for (const range of this.ranges) {
      if (pos >= range.start && pos < range.end && (range.rules.length === 0 || range.rules.includes(ruleId))) {
        range.directive.used = true;
        silenced = true;
      }
    }
    return silenced;
  }

  unused(): Directive[] {
    return this.all.filter((d) => !d.used && d.kind !== "enable");
  }

  private buildRanges(): void {
    const sf = this.sourceFile;
    const lineStarts = sf.getLineStarts();
    const lineRange = (line: number): [number, number] => [
      lineStarts[line] ?? sf.text.length,
      lineStarts[line + 1] ?? sf.text.length + 1,
    ];
    const open: Array<{ directive: Directive; rules: string[] }> = [];
    for (const directive of this.all) {
      if (directive.kind === "disable-line") {
        const [start, end] = lineRange(sf.getLineAndCharacterOfPosition(directive.start).line);
        this.ranges.push({ directive, rules: directive.rules, start, end });
      } else if (directive.kind === "disable-next-line") {
        const [start, end] = lineRange(sf.getLineAndCharacterOfPosition(directive.end).line + 1);
        this.ranges.push({ directive, rules: directive.rules, start, end });
      } else if (directive.kind === "disable") {
        open.push({ directive, rules: directive.rules });
      } else {
        // `enable` closes the matching disables (all of them when it names no rule).
        for (let i = open.length - 1; i >= 0; i--) {
          const candidate = open[i];
          const matches = directive.rules.length === 0 || candidate.rules.some((r) => directive.rules.includes(r))
            || candidate.rules.length === 0;
          if (!matches) continue;
          this.ranges.push({ directive: candidate.directive, rules: candidate.rules, start: candidate.directive.end, end: directive.start });
          open.splice(i, 1);
        }
      }
    }
    for (const candidate of open) {
      this.ranges.push({ directive: candidate.directive, rules: candidate.rules, start: candidate.directive.end, end: sf.text.length + 1 });
    }
  }
}

export function parseDirectives(sourceFile: ts.SourceFile): Directive[] {
  const text = sourceFile.text;
  const result: Directive[] = [];
  const seen = new Set<number>();
  for (let at = text.indexOf("leaklint-"); at >= 0; at = text.indexOf("leaklint-", at + 1)) {
    const comment = commentAt(sourceFile, at);
    if (!comment || seen.has(comment.pos)) continue;
    seen.add(comment.pos);
    const match = DIRECTIVE.exec(text.slice(comment.pos, comment.end).trimEnd());
    if (!match) continue;
    const [body, reason] = splitReason(match[2]);
    const rules = body.split(/[\s,]+/).filter((r) => r.length > 0);
    result.push({ kind: match[1] as DirectiveKind, rules, reason, start: comment.pos, end: comment.end, used: false });
  }
  return result;
}

function splitReason(rest: string): [string, string | undefined] {
  const index = rest.indexOf("--");
  if (index < 0) return [rest, undefined];
  return [rest.slice(0, index), rest.slice(index + 2).trim() || undefined];
}

/** The comment that contains `offset`, if it lies in one (not in a string or template). */
function commentAt(sourceFile: ts.SourceFile, offset: number): ts.CommentRange | undefined {
  let node: ts.Node = sourceFile;
  for (;;) {
    const child: ts.Node | undefined = node.getChildren(sourceFile).find((c) => c.pos <= offset && offset < c.end);
    if (!child) break;
    node = child;
  }
  const ranges = [
    ...(ts.getLeadingCommentRanges(sourceFile.text, node.pos) ?? []),
    ...(ts.getTrailingCommentRanges(sourceFile.text, node.pos) ?? []),
  ];
  return ranges.find((r) => r.pos <= offset && offset < r.end);
}
