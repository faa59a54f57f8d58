#!/usr/bin/env node
"use strict";
const argv = process.argv.slice(2);
// `leaklint heap …` does not load the linter up front: reading snapshots needs the memory first.
const main = argv[0] === "heap"
  ? (args, io) => require("../dist/heap/cli.js").heapMain(args.slice(1), io)
  : require("../dist/cli/main.js").main;

const code = main(argv, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
