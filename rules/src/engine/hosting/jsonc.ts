// JSON with comments (JSONC), as tsconfig.json and VS Code settings allow: `//` and
// `/* */` comments and trailing commas before `}` or `]`. They are blanked out (same
// length, line breaks kept) so that JSON.parse's error positions still point into the
// file as written; everything else must be plain JSON.

/** The value of a JSONC text; throws JSON.parse's SyntaxError for anything else that is not JSON. */
export function parseJsonc(text: string): unknown {
  return JSON.parse(stripJsonc(text));
}

/** The text with comments and trailing commas replaced by spaces (strings left alone). */
export function stripJsonc(text: string): string {
  const out = text.split("");
  let lastSignificant = -1; // index of the last non-space character outside comments
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\"") {
      for (i++; i < text.length && text[i] !== "\""; i++) if (text[i] === "\\") i++;
      lastSignificant = Math.min(i, text.length - 1);
      continue;
    }
    if (ch === "/" && text[i + 1] === "/") {
      for (; i < text.length && text[i] !== "\n" && text[i] !== "\r"; i++) out[i] = " ";
      i--;
      continue;
    }
    if (ch === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (; i < stop; i++) if (text[i] !== "\n" && text[i] !== "\r") out[i] = " ";
      i--;
      continue;
    }
    if ((ch === "}" || ch === "]") && lastSignificant >= 0 && out[lastSignificant] === ",") out[lastSignificant] = " ";
    if (!/\s/.test(ch)) lastSignificant = i;
  }
  return out.join("");
}
