// What the server's programs read: texts and versions of open documents, overlays and
// disk files (FileStore), and the files parsed from them (SourceFiles), re-parsed
// incrementally when an open document changes and shared by every project.
import ts from "typescript";
import { unparsablePlaceholder } from "leaklint";
import { commonAffixes } from "./text-diff";

/**
 * Texts and versions of open documents and overlays; disk files get a version per change
 * event. Disk reads and existence checks are cached until a watched-file event (program
 * updates otherwise re-read every package.json on the module-resolution path per edit).
 */
export class FileStore {
  generation = 0;
  /** Bumped by changes of disk files and overlays: with the open versions, what a program's other files are. */
  private outsideGeneration = 0;
  /** Open texts; `serial` tells versions apart across a close and a reopen (which starts again at version 1). */
  private readonly open = new Map<string, { text: string; version: number; serial: number }>();
  private openSerial = 0;
  private readonly overlays = new Map<string, { text: string; version: number }>();
  private readonly diskVersions = new Map<string, number>();
  private readonly diskTexts = new Map<string, string | undefined>();
  private readonly diskExists = new Map<string, boolean>();
  private readonly directories = new Map<string, boolean>();
  private overlayCounter = 0;

  setOpen(fileName: string, text: string, version: number): void {
    const current = this.open.get(fileName);
    if (current && current.version === version && current.text === text) return;
    this.open.set(fileName, { text, version, serial: ++this.openSerial });
    this.generation++;
  }

  close(fileName: string): void {
    if (this.open.delete(fileName)) this.touchDisk(fileName);
  }

  isOpen(fileName: string): boolean {
    return this.open.has(fileName);
  }

  setOverlay(fileName: string, text: string): void {
    this.overlays.set(fileName, { text, version: ++this.overlayCounter });
    this.generation++;
    this.outsideGeneration++;
  }

  clearOverlay(fileName: string): void {
    if (this.overlays.delete(fileName)) {
      this.generation++;
      this.outsideGeneration++;
    }
  }

  /** A key that changes whenever any file but `fileName` may read differently (disk, overlays, other open documents). */
  versionsBesides(fileName: string): string {
    let key = `${this.outsideGeneration}`;
    for (const [name, { version }] of this.open) if (name !== fileName) key += `|${name}@${version}`;
    return key;
  }

  touchDisk(fileName: string): void {
    this.diskVersions.set(fileName, (this.diskVersions.get(fileName) ?? 0) + 1);
    this.diskTexts.delete(fileName);
    this.diskExists.clear();
    this.directories.clear();
    this.generation++;
    this.outsideGeneration++;
  }

  version(fileName: string): string {
    const overlay = this.overlays.get(fileName);
    if (overlay) return `x${overlay.version}`;
    const open = this.open.get(fileName);
    if (open) return `o${open.serial}`;
    return `d${this.diskVersions.get(fileName) ?? 0}`;
  }

  text(fileName: string): string | undefined {
    const shadow = this.overlays.get(fileName) ?? this.open.get(fileName);
    if (shadow) return shadow.text;
    if (!this.diskTexts.has(fileName)) this.diskTexts.set(fileName, ts.sys.readFile(fileName));
    return this.diskTexts.get(fileName);
  }

  exists(fileName: string): boolean {
    if (this.overlays.has(fileName) || this.open.has(fileName)) return true;
    let exists = this.diskExists.get(fileName);
    if (exists === undefined) this.diskExists.set(fileName, (exists = ts.sys.fileExists(fileName)));
    return exists;
  }

  directoryExists(directory: string): boolean {
    let exists = this.directories.get(directory);
    if (exists === undefined) this.directories.set(directory, (exists = ts.sys.directoryExists(directory)));
    return exists;
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Forgets the disk texts of source files `keep` rejects (package.json and other reads stay cached). */
  releaseTexts(keep: (fileName: string) => boolean): void {
    for (const fileName of this.diskTexts.keys()) if (SOURCE_FILE.test(fileName) && !keep(fileName)) this.diskTexts.delete(fileName);
  }
}

const SOURCE_FILE = /\.[cm]?[jt]sx?$/i;

/**
 * Parsed files by name and parse options, kept while their version stands. A new version
 * of a file parsed before is re-parsed incrementally from the change between the texts
 * (TypeScript reuses the unchanged nodes); a file the parser cannot build becomes a
 * placeholder that the linter reports as a parse error.
 */
export class SourceFiles {
  private readonly files = new Map<string, { fileName: string; version: string; sourceFile: ts.SourceFile }>();

  constructor(private readonly store: FileStore) {}

  get(fileName: string, options: ts.CreateSourceFileOptions): ts.SourceFile | undefined {
    const key = cacheKey(fileName, options);
    const version = this.store.version(fileName);
    const cached = this.files.get(key);
    if (cached?.version === version) return cached.sourceFile;
    const text = this.store.text(fileName);
    if (text === undefined) return undefined;
    let sourceFile: ts.SourceFile | undefined;
    try {
      // The incremental parser walks the old tree recursively: on a very deep one it fails where a fresh parse of the new text may not.
      if (cached && !isPlaceholder(cached.sourceFile)) sourceFile = reparse(cached.sourceFile, text);
    } catch {
      sourceFile = undefined;
    }
    try {
      sourceFile ??= ts.createSourceFile(fileName, text, options, false);
    } catch (error) {
      sourceFile = unparsablePlaceholder(fileName, options, error);
    }
    this.files.set(key, { fileName, version, sourceFile });
    return sourceFile;
  }

  /** Drops a file parsed with `options` (a loose document that was closed). */
  forget(fileName: string, options: ts.CreateSourceFileOptions): void {
    this.files.delete(cacheKey(fileName, options));
  }

  /** Drops the files `keep` rejects (what no program and no open document uses any more). */
  release(keep: (fileName: string) => boolean): void {
    for (const [key, entry] of this.files) if (!keep(entry.fileName)) this.files.delete(key);
  }

  get size(): number {
    return this.files.size;
  }

  clear(): void {
    this.files.clear();
  }
}

function cacheKey(fileName: string, options: ts.CreateSourceFileOptions): string {
  return `${fileName}|${options.languageVersion}|${options.impliedNodeFormat ?? ""}|${options.jsDocParsingMode ?? ""}`;
}

function isPlaceholder(sourceFile: ts.SourceFile): boolean {
  return "leaklintParseFailure" in sourceFile;
}

function reparse(old: ts.SourceFile, text: string): ts.SourceFile {
  const { prefix, suffix } = commonAffixes(old.text, text);
  const range = ts.createTextChangeRange(ts.createTextSpan(prefix, old.text.length - prefix - suffix), text.length - prefix - suffix);
  const updated = ts.updateSourceFile(old, text, range);
  updated.impliedNodeFormat = old.impliedNodeFormat;
  return updated;
}
