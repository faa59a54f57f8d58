// The changed span between two versions of a text, as common prefix and suffix lengths:
// enough for TypeScript's incremental reparse and for fix-all's single edit.
export interface Affixes {
  prefix: number;
  suffix: number;
}

export function commonAffixes(before: string, after: string): Affixes {
  const limit = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < limit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}
