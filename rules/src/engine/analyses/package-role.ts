// Package role: whether a file belongs to an application (it runs as a program, a server, a
// desktop app) or to a library (other code imports it), read from the nearest package.json.
// Some hazards are a library's only: a module-level `setInterval` keeps every importer's process
// alive, while in an application a module-level periodic job (a sweeper, a stats flush) is meant to
// live as long as the process. An application package is one that says so: `"private": true`, an
// Electron app (`electron` among its dependencies), a VS Code extension (`engines.vscode`), or a
// program nothing imports (a `bin`, a `start` or `dev` script, or an app framework such as Next.js,
// Nuxt or SvelteKit among its dependencies — and no `main`, `module`, `exports`, `browser` or
// `types`, or only a `main` that is npm init's placeholder for an app: beside an app framework
// among its `dependencies`, or naming the program its bin or `start` script runs). Without a
// package.json the role is unknown.
// A command-line package is one whose nearest package.json has a `bin` and depends on a
// command-line framework among its `dependencies` (commander, yargs, oclif, clipanion, cac, meow, sade, citty), and is not a
// VS Code extension (`engines.vscode`) or an Electron app: its files run inside a command whose
// process ends when the command does (`commandLinePackage`).
// A published package is a library released for others (`publishConfig`, or a `prepublishOnly` /
// `prepack` / `prepublish` script, and not `private`): how often its code runs is its users' choice
// (`publishedPackage`).
// A package's build — a browser bundle, an Electron app — is what `packageRuntimeOf` reads
// (analyses/package-runtime.ts) for the runtime analysis.
import fs from "node:fs";
import path from "node:path";
import { defineAnalysis } from "../core/analysis";
import { type PackageBuild, packageBuild, rendererFolder } from "./package-runtime";

export type PackageRole = "application" | "library" | "unknown";

/** The role of the package the file belongs to, once per file. */
export const packageRole = defineAnalysis({
  id: "package-role",
  run: ({ sourceFile }): PackageRole => packageRoleOf(sourceFile.fileName),
});

/** Whether the file belongs to a command-line package (see the header), once per file. */
export const commandLinePackage = defineAnalysis({
  id: "command-line-package",
  run: ({ sourceFile }): boolean => nearestManifest(sourceFile.fileName)?.commandLine ?? false,
});

/** Whether the file belongs to a package published for others (see the header), once per file. */
export const publishedPackage = defineAnalysis({
  id: "published-package",
  run: ({ sourceFile }): boolean => nearestManifest(sourceFile.fileName)?.published ?? false,
});

const CLI_FRAMEWORKS = ["commander", "@commander-js/extra-typings", "yargs", "@oclif/core", "oclif", "clipanion", "cac", "meow", "sade", "citty"];
const ENTRY_FIELDS = ["main", "module", "exports", "browser", "types", "typings"];
/** package.json files read, with their modification time: a long-lived server sees edits, and the map stays bounded. */
const read = new Map<string, { mtimeMs: number } & ManifestFacts>();
const MAX_CACHED = 2000;

interface ManifestFacts {
  role: PackageRole;
  commandLine: boolean;
  published: boolean;
  build: PackageBuild;
  dir: string;
}

export function packageRoleOf(fileName: string): PackageRole {
  return nearestManifest(fileName)?.role ?? "unknown";
}

/**
 * "browser" with its evidence when the file's package builds a browser bundle with no server side,
 * or the file sits in an Electron app's renderer folder (analyses/package-runtime.ts); else undefined.
 */
export function packageRuntimeOf(fileName: string): { runtime: "browser"; evidence: string } | undefined {
  const manifest = nearestManifest(fileName);
  const build = manifest?.build;
  if (build?.kind === "browser") return { runtime: "browser", evidence: build.evidence };
  const folder = manifest && build?.kind === "electron" ? rendererFolder(path.relative(manifest.dir, fileName)) : undefined;
  return folder ? { runtime: "browser", evidence: `Electron renderer folder ${folder}/` } : undefined;
}

function nearestManifest(fileName: string): ManifestFacts | undefined {
  if (!path.isAbsolute(fileName)) return undefined;
  for (let dir = path.dirname(fileName), depth = 0; depth < 64; depth++) {
    const facts = manifestFacts(path.join(dir, "package.json"));
    if (facts !== undefined) return facts;
    const parent = path.dirname(dir);
    if (parent === dir || path.basename(dir) === "node_modules") return undefined;
    dir = parent;
  }
  return undefined;
}

/** What a package.json says, undefined when there is none (or it is not a file). */
function manifestFacts(manifest: string): ManifestFacts | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(manifest);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) return undefined;
  const known = read.get(manifest);
  if (known && known.mtimeMs === stat.mtimeMs) return known;
  const dir = path.dirname(manifest);
  let facts: ManifestFacts = { role: "unknown", commandLine: false, published: false, build: undefined, dir };
  try {
    const parsed = JSON.parse(fs.readFileSync(manifest, "utf8").replace(/^\uFEFF/, "")) as unknown;
    const build = typeof parsed === "object" && parsed !== null ? packageBuild(parsed as Record<string, unknown>, dir) : undefined;
    facts = { role: classifyManifest(withoutMissingMain(parsed, dir)), commandLine: isCommandLineManifest(parsed), published: isPublishedManifest(parsed), build, dir };
  } catch {
    // unreadable or not JSON: the config loader reports broken manifests; here it says nothing
  }
  if (read.size >= MAX_CACHED) read.clear();
  read.set(manifest, { mtimeMs: stat.mtimeMs, ...facts });
  return facts;
}

/**
 * A `bin` and a command-line framework among the dependencies — or among the devDependencies when
 * every `bin` runs a build output (`dist/`, `build/`, `out/`): a bundled CLI, the framework inlined —;
 * not a VS Code extension or an Electron app.
 */
export function isCommandLineManifest(manifest: unknown): boolean {
  if (typeof manifest !== "object" || manifest === null) return false;
  const pkg = manifest as Record<string, unknown>;
  const engines = pkg.engines;
  if (pkg.bin === undefined || (typeof engines === "object" && engines !== null && "vscode" in engines) || dependsOn(pkg, "electron")) return false;
  const bins = typeof pkg.bin === "string" ? [pkg.bin] : typeof pkg.bin === "object" && pkg.bin !== null ? Object.values(pkg.bin) : [];
  const bundled = bins.length > 0 && bins.every((bin) => typeof bin === "string" && /^(\.\/)?(dist|build|out)\//.test(bin));
  return CLI_FRAMEWORKS.some((name) => dependsOn(pkg, name, bundled ? ["dependencies", "devDependencies"] : ["dependencies"]));
}

/** `publishConfig`, or a script npm runs before publishing, in a package that is not private. */
export function isPublishedManifest(manifest: unknown): boolean {
  if (typeof manifest !== "object" || manifest === null) return false;
  const pkg = manifest as Record<string, unknown>;
  if (pkg.private === true) return false;
  const scripts = typeof pkg.scripts === "object" && pkg.scripts !== null ? pkg.scripts : {};
  return pkg.publishConfig !== undefined || ["prepublishOnly", "prepublish", "prepack"].some((name) => name in scripts);
}

function dependsOn(pkg: Record<string, unknown>, name: string, fields = ["dependencies", "devDependencies"]): boolean {
  return fields.some((field) => {
    const deps = pkg[field];
    return typeof deps === "object" && deps !== null && Object.prototype.hasOwnProperty.call(deps, name);
  });
}

/**
 * The manifest without its `main` when that names a file at the package root that is not there (`"main": "index.ts"`
 * in a webpack app's package.json, npm init's leftover): nothing can import it, so it says nothing about the role.
 * A `main` in a folder (`dist/index.js`) may be a build output not built yet, and stays.
 */
function withoutMissingMain(manifest: unknown, dir: string): unknown {
  if (typeof manifest !== "object" || manifest === null) return manifest;
  const { main, ...rest } = manifest as Record<string, unknown>;
  if (typeof main !== "string" || /[\\/]/.test(main.replace(/^\.\//, ""))) return manifest;
  const file = path.join(dir, main);
  const exists = ["", ".js", ".cjs", ".mjs", ".ts", ".json"].some((ext) => fs.existsSync(file + ext));
  return exists ? manifest : rest;
}

export function classifyManifest(manifest: unknown): PackageRole {
  if (typeof manifest !== "object" || manifest === null) return "unknown";
  const pkg = manifest as Record<string, unknown>;
  if (pkg.private === true) return "application";
  if (dependsOn(pkg, "electron")) return "application";
  // A VS Code extension: VS Code loads its `main`; no other code imports it.
  const engines = pkg.engines;
  if (typeof engines === "object" && engines !== null && "vscode" in engines) return "application";
  // npm's default `main` is index.js, so a package without entry fields is still importable unless it runs as a program.
  const scripts = typeof pkg.scripts === "object" && pkg.scripts !== null ? pkg.scripts as Record<string, unknown> : {};
  const runs = pkg.bin !== undefined || "start" in scripts || "dev" in scripts || APP_FRAMEWORKS.some((name) => dependsOn(pkg, name));
  if (!runs) return "library";
  const entries = ENTRY_FIELDS.filter((field) => pkg[field] !== undefined);
  if (entries.length === 0) return "application";
  // Only a `main` (npm init's default), and it is the program the package runs: its `start` script or its bin.
  if (entries.length !== 1 || entries[0] !== "main") return "library";
  // An app framework among its dependencies (a Nuxt or Next.js app), or a `main` that is the program it runs.
  const framework = APP_FRAMEWORKS.some((name) => dependsOn(pkg, name, ["dependencies"]));
  return framework || mainIsTheProgram(pkg.main, pkg.bin, scripts.start) ? "application" : "library";
}

/** `"main": "src/server"` with `"start": "node src/server.js"`, or `"main": "index.js"` with `"bin": "index.js"`. */
function mainIsTheProgram(main: unknown, bin: unknown, start: unknown): boolean {
  if (typeof main !== "string") return false;
  const stem = path.posix.normalize(main.replace(/\\/g, "/")).replace(/\.[cm]?js$/, "");
  if (stem === "" || stem === ".") return false;
  const bins = typeof bin === "string" ? [bin] : typeof bin === "object" && bin !== null ? Object.values(bin) : [];
  if (bins.some((b) => typeof b === "string" && path.posix.normalize(b).replace(/\.[cm]?js$/, "") === stem)) return true;
  if (typeof start !== "string") return false;
  const words = start.split(/\s+/).map((w) => path.posix.normalize(w).replace(/\.[cm]?js$/, ""));
  return /^(node|nodemon|tsx|ts-node|bun)\b/.test(start.trim()) && words.includes(stem);
}

/** Frameworks that build a site or an app, not a package for others to import. */
const APP_FRAMEWORKS = ["next", "nuxt", "@sveltejs/kit", "@remix-run/react", "astro", "react-scripts", "@angular/cli", "gatsby"];
