#!/usr/bin/env node
// leaklint-lsp: the leaklint language server. Speaks LSP over stdio by default
// (`leaklint-lsp --stdio`); --node-ipc and --socket=PORT also work.
"use strict";
const transports = ["--stdio", "--node-ipc"];
if (!process.argv.some((arg) => transports.includes(arg) || arg.startsWith("--socket=") || arg.startsWith("--pipe="))) {
  process.argv.push("--stdio");
}
require("../dist/main.js");
