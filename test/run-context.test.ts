// Engine facts about how code runs, on small inputs: command-line packages (package-role.ts),
// per-item repetition and run-once code (repetition.ts), and failure paths of a tracked response
// (failure-paths.ts). The rule fixtures show them in use; these pin the edges.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import ts from "typescript";
import {
  Facts, KNOWN_RESOURCES, classifyManifest, exitsProcessAfter, isCommandLineManifest, leaksOnlyOnFailure, parseLooseFile, repeatsPerItem, resourcesOfKind, runsOnce, trackResource, matchAcquisition,
} from "leaklint";

function analyse(text: string): { facts: Facts; sourceFile: ts.SourceFile } {
  const sourceFile = parseLooseFile("/virtual/file.ts", text);
  return { facts: new Facts(sourceFile, undefined), sourceFile };
}

/** The `fetch(…)` calls of the file, in order. */
function fetches(sourceFile: ts.SourceFile): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "fetch") calls.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return calls;
}

describe("command-line packages", () => {
  test("a bin and a command-line framework among the dependencies", () => {
    assert.equal(isCommandLineManifest({ bin: { netlify: "./bin/run.js" }, dependencies: { commander: "^12" } }), true);
    assert.equal(isCommandLineManifest({ bin: "./bin/run.js", main: "dist/index.js", dependencies: { "@oclif/core": "^4" } }), true);
  });
  test("a server started from a bin, a framework only among devDependencies, a VS Code extension or an Electron app is not one", () => {
    assert.equal(isCommandLineManifest({ bin: { "etherpad-lite": "node/server.ts" }, dependencies: { express: "^4" } }), false);
    assert.equal(isCommandLineManifest({ bin: { build: "./build.mjs" }, devDependencies: { yargs: "^17" } }), false);
    assert.equal(isCommandLineManifest({ bin: { build: "./build.mjs" }, engines: { vscode: "^1.90.0" }, dependencies: { yargs: "^17" } }), false);
    assert.equal(isCommandLineManifest({ bin: "cli.js", dependencies: { commander: "^12", electron: "^30" } }), false);
    assert.equal(isCommandLineManifest("not an object"), false);
  });
});

describe("application packages (package-role.ts)", () => {
  test("private packages, Electron apps, VS Code extensions and programs nothing imports are applications", () => {
    assert.equal(classifyManifest({ name: "web", private: true, main: "index.js" }), "application");
    assert.equal(classifyManifest({ name: "desk", main: "main.js", devDependencies: { electron: "^30" } }), "application");
    assert.equal(classifyManifest({ name: "ext", main: "./out/extension.js", engines: { vscode: "^1.90.0" } }), "application");
    assert.equal(classifyManifest({ name: "@appwrite/console", scripts: { dev: "vite dev", build: "vite build" } }), "application");
    assert.equal(classifyManifest({ name: "site", scripts: { build: "next build" }, dependencies: { next: "^15" } }), "application");
  });
  test("npm init's `main` beside an app framework, or naming the program the bin or `start` script runs, is still an application", () => {
    assert.equal(classifyManifest({ name: "client", main: "index.js", scripts: { dev: "nuxt" }, dependencies: { nuxt: "^2.17" } }), "application");
    assert.equal(classifyManifest({ name: "abs", main: "index.js", bin: "index.js", scripts: { start: "node index.js" } }), "application");
    assert.equal(classifyManifest({ name: "backend", main: "src/server", scripts: { start: "node --loader ./alias.mjs src/server.js" } }), "application");
    // A library whose start script runs a demo, or that also declares its types, stays one.
    assert.equal(classifyManifest({ name: "lib", main: "index.js", scripts: { start: "node demo.js" } }), "library");
    assert.equal(classifyManifest({ name: "lib", main: "lib/index.js", types: "lib/index.d.ts", scripts: { start: "node lib/index.js" } }), "library");
    assert.equal(classifyManifest({ name: "kit", main: "index.js", scripts: { dev: "vite" }, devDependencies: { nuxt: "^3" } }), "library");
  });
  test("a package with entry fields is a library, whatever it runs in development", () => {
    assert.equal(classifyManifest({ name: "ui-kit", module: "dist/index.js", scripts: { dev: "vite" } }), "library");
    assert.equal(classifyManifest({ name: "helpers", main: "index.js", scripts: { start: "node demo.js" } }), "library");
    assert.equal(classifyManifest({ name: "plain" }), "library");
    assert.equal(classifyManifest(null), "unknown");
  });
});

describe("repetition of a request", () => {
  const { facts, sourceFile } = analyse(`
    async function upload(f: string) { await fetch(f); }
    export async function uploadAll(files: string[]) { for (const f of files) await upload(f); }
    export async function getToken() { return fetch("https://x/token"); }
    export const pages = (urls: string[]) => Promise.all(urls.map((u) => fetch(u)));
    async function boot() { await fetch("https://x/config"); }
    boot();
    export function handler(req: unknown, res: unknown) { return fetch("https://x/" + String(req)); }
  `);
  const [perFile, once, perPage, atBoot, inHandler] = fetches(sourceFile);
  test("a loop through the file's callers, a per-item callback and a request handler repeat; a plain exported function does not", () => {
    assert.equal(repeatsPerItem(facts, perFile), true);
    assert.equal(repeatsPerItem(facts, perPage), true);
    assert.equal(repeatsPerItem(facts, inHandler), true);
    assert.equal(repeatsPerItem(facts, once), false);
  });
  test("a function only the top level calls runs once; an exported one is not known to", () => {
    assert.equal(runsOnce(facts, atBoot), true);
    assert.equal(runsOnce(facts, once), false);
    assert.equal(runsOnce(facts, perFile), false);
  });
  test("process.exit() after the request in the same function ends what it held", () => {
    const { sourceFile: exiting } = analyse(`async function send() { await fetch("https://x"); process.exit(0); }
      async function later() { await fetch("https://y"); setTimeout(() => process.exit(0), 10); }`);
    const [sent, notExited] = fetches(exiting);
    assert.equal(exitsProcessAfter(sent), true);
    assert.equal(exitsProcessAfter(notExited), false);
  });
});

describe("failure paths", () => {
  const tables = resourcesOfKind(KNOWN_RESOURCES, ["response"]);
  function failureOnly(body: string): boolean {
    const { facts, sourceFile } = analyse(`export async function f(u: string, done: (ok: boolean) => void) {\n${body}\n}`);
    const call = fetches(sourceFile)[0];
    const track = trackResource(facts, call, matchAcquisition(facts, call, tables)!, false);
    assert.equal(track?.outcome, "leak");
    return leaksOnlyOnFailure(track!);
  }
  test("a throw or return under a failed status, a catch", () => {
    assert.equal(failureOnly(`const res = await fetch(u); if (!res.ok) throw new Error("x"); return res.json();`), true);
    assert.equal(failureOnly(`const res = await fetch(u); if (res.status === 404) return null; return res.json();`), true);
    assert.equal(failureOnly(`const res = await fetch(u); if (res.statusCode >= 400) { return null; } return res.json();`), true);
    assert.equal(failureOnly(`const res = await fetch(u); try { await save(u); } catch { return null; } return res.json();`), true);
  });
  test("a return on the success branch, or on a test that says nothing of the status, is not a failure path", () => {
    assert.equal(failureOnly(`const res = await fetch(u); if (res.status >= 200 && res.status <= 299) return done(true); await res.text();`), false);
    assert.equal(failureOnly(`const res = await fetch(u); if (u.length > 3) return null; return res.json();`), false);
    assert.equal(failureOnly(`const res = await fetch(u); if (!res.ok) throw new Error("x"); if (u === "") return null; return res.json();`), false);
  });
});
