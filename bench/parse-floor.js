// The parser floor of a project: the files `leaklint` would select there, read and parsed
// with ts.createSourceFile (no parents, binder or checker). Prints the file count to stderr.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const { discoverFiles, loadConfigFor, rules } = require("../rules/dist/index.js");

const dir = path.resolve(process.argv[2] ?? ".");
const config = loadConfigFor({ cwd: dir, rules });
const files = discoverFiles([dir], { ignores: config.ignores, ignoreBase: config.baseDir, skipBundles: true });
let statements = 0;
for (const file of files) statements += ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ESNext, false).statements.length;
process.stderr.write(`${files.length} files, ${statements} statements\n`);
