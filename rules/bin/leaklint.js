#!/usr/bin/env node
"use strict";
const fs = require("node:fs");
const { main } = require("../dist/cli/main.js");

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
  env: process.env,
  readStdin: () => fs.readFileSync(0, "utf8"),
}).then((code) => {
  process.exitCode = code;
});
