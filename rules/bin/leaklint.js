#!/usr/bin/env node
"use strict";
const fs = require("node:fs");

const argv = process.argv.slice(2);
const io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
  env: process.env,
  readStdin: () => fs.readFileSync(0, "utf8"),
};
// `leaklint heap …` does not load the linter up front: reading snapshots needs the memory first.
if (argv[0] === "heap") {
  // `heap diff` answers synchronously, `heap capture` with a promise.
  const code = require("../dist/heap/cli.js").heapMain(argv.slice(1), io);
  if (typeof code === "number") process.exitCode = code;
  else code.then((c) => { process.exitCode = c; });
} else {
  require("../dist/cli/main.js").main(argv, io).then((code) => {
    process.exitCode = code;
  });
}
