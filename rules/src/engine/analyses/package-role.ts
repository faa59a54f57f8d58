// Package role: whether a file belongs to an application (it runs as a program, a server, a
// desktop app) or to a library (other code imports it), read from the nearest package.json.
// Some hazards are a library's only: a module-level `setInterval` keeps every importer's process
// alive, while in an application a module-level periodic job (a sweeper, a stats flush) is meant to
// live as long as the process. An application package is one that says so: `"private": true`, an
// Electron app (`electron` among its dependencies), or a program nothing imports (a `bin` or a `start`
// script, and no `main`, `module`, `exports`, `browser` or `types`). Without a package.json the role
// is unknown.
import fs from "node:fs";
import path from "node:path";
import { defineAnalysis } from "../core/analysis";

export type PackageRole = "application" | "library" | "unknown";

/** The role of the package the file belongs to, once per file. */
export const packageRole = defineAnalysis({
  id: "package-role",
  run: ({ sourceFile }): PackageRole => packageRoleOf(sourceFile.fileName),
});

const ENTRY_FIELDS = ["main", "module", "exports", "browser", "types", "typings"];
/** package.json files read, with their modification time: a long-lived server sees edits, and the map stays bounded. */
const read = new Map<string, { mtimeMs: number; role: PackageRole }>();
const MAX_CACHED = 2000;

export function packageRoleOf(fileName: string): PackageRole {
  if (!path.isAbsolute(fileName)) return "unknown";
  for (let dir = path.dirname(fileName), depth = 0; depth < 64; depth++) {
    const manifest = path.join(dir, "package.json");
    const role = roleOf(manifest);
    if (role !== undefined) return role;
    const parent = path.dirname(dir);
    if (parent === dir || path.basename(dir) === "node_modules") return "unknown";
    dir = parent;
  }
  return "unknown";
}

/** The role a package.json gives, undefined when there is none (or it is not a file). */
function roleOf(manifest: string): PackageRole | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(manifest);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) return undefined;
  const known = read.get(manifest);
  if (known && known.mtimeMs === stat.mtimeMs) return known.role;
  let role: PackageRole = "unknown";
  try {
    role = classifyManifest(JSON.parse(fs.readFileSync(manifest, "utf8").replace(/^\uFEFF/, "")) as unknown);
  } catch {
    // unreadable or not JSON: the config loader reports broken manifests; here it says nothing
  }
  if (read.size >= MAX_CACHED) read.clear();
  read.set(manifest, { mtimeMs: stat.mtimeMs, role });
  return role;
}

export function classifyManifest(manifest: unknown): PackageRole {
  if (typeof manifest !== "object" || manifest === null) return "unknown";
  const pkg = manifest as Record<string, unknown>;
  if (pkg.private === true) return "application";
  const dependsOn = (name: string): boolean => ["dependencies", "devDependencies"].some((field) => {
    const deps = pkg[field];
    return typeof deps === "object" && deps !== null && Object.prototype.hasOwnProperty.call(deps, name);
  });
  if (dependsOn("electron")) return "application";
  // npm's default `main` is index.js, so a package without entry fields is still importable unless it runs as a program.
  const runs = pkg.bin !== undefined || (typeof pkg.scripts === "object" && pkg.scripts !== null && "start" in pkg.scripts);
  return runs && !ENTRY_FIELDS.some((field) => pkg[field] !== undefined) ? "application" : "library";
}
