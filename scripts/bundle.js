#!/usr/bin/env node
// Bundles the VS Code extension for packaging: the client and the server, minified, one
// file each (dist/extension.js, dist/server.js), plus what the server reads at run time:
// TypeScript's lib .d.ts files (the bundled compiler looks for them beside itself), the
// rule docs (dist/rule-docs/) and the config schema the manifest's jsonValidation names.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

async function main() {
  fs.rmSync(dist, { recursive: true, force: true });
  fs.mkdirSync(path.join(dist, "rule-docs"), { recursive: true });
  const common = {
    bundle: true, minify: true, platform: "node", target: "node20", format: "cjs", sourcemap: false, logLevel: "warning",
    // typescript.js probes optional modules it never needs in the server.
    external: ["vscode", "source-map-support", "@microsoft/typescript-etw", "perf_hooks"],
  };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(root, "client/src/extension.ts")], outfile: path.join(dist, "extension.js") }),
    esbuild.build({ ...common, entryPoints: [path.join(root, "server/src/main.ts")], outfile: path.join(dist, "server.js") }),
  ]);
  for (const schema of ["leaklint.config.schema.json", "rule-options.schema.json"]) {
    fs.copyFileSync(path.join(root, "rules/src/engine/hosting", schema), path.join(dist, schema));
  }
  const docs = path.join(root, "rules/src/rules");
  for (const file of fs.readdirSync(docs).filter((f) => f.endsWith(".md"))) fs.copyFileSync(path.join(docs, file), path.join(dist, "rule-docs", file));
  const tsLib = path.dirname(require.resolve("typescript"));
  for (const file of fs.readdirSync(tsLib).filter((f) => /^lib\..*\.d\.ts$/.test(f))) fs.copyFileSync(path.join(tsLib, file), path.join(dist, file));
  for (const file of ["extension.js", "server.js"]) {
    console.log(`dist/${file}: ${(fs.statSync(path.join(dist, file)).size / 1024).toFixed(0)} KiB`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
