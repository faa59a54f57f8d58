// Programs the fix fuzz runner reuses. A mutant used to cost a fresh typed program:
// lib.dom.d.ts, the ES libs and @types/node parsed and bound again for each lint and each
// error check (nine tenths of the run). Here the library and package declarations are
// parsed once and shared by every program (they are the same files for every mutant), and
// each program is built with the previous one of its options as `oldProgram` (one kept per
// options: a program holds its checker), so a lint or an error check costs the parse of the
// mutant's own text and a checker.
import path from "node:path";
import ts from "typescript";

export class ProgramPool {
  private readonly declarations = new Map<string, ts.SourceFile | undefined>();
  private readonly hosts = new Map<string, { host: ts.CompilerHost; current: { file: string; text: string } }>();
  private readonly previous = new Map<string, ts.Program>();

  /** A program of `file` with `text` as its content, under `options`. */
  program(file: string, text: string, options: ts.CompilerOptions): ts.Program {
    const key = JSON.stringify(options);
    const entry = this.hostFor(key, options);
    entry.current.file = path.resolve(file);
    entry.current.text = text;
    const program = ts.createProgram({ rootNames: [file], options, host: entry.host, oldProgram: this.previous.get(key) });
    this.previous.set(key, program);
    return program;
  }

  private hostFor(key: string, options: ts.CompilerOptions): { host: ts.CompilerHost; current: { file: string; text: string } } {
    const known = this.hosts.get(key);
    if (known) return known;
    const host = ts.createCompilerHost(options, true);
    const current = { file: "", text: "" };
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, onError, create) => {
      if (name === current.file) return ts.createSourceFile(name, current.text, version, true);
      const cacheKey = typeof version === "object" ? `${name}:${version.languageVersion}:${version.impliedNodeFormat}` : `${name}:${version}`;
      if (!this.declarations.has(cacheKey)) this.declarations.set(cacheKey, read(name, version, onError, create));
      return this.declarations.get(cacheKey);
    };
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => name === current.file || exists(name);
    const entry = { host, current };
    this.hosts.set(key, entry);
    return entry;
  }
}
