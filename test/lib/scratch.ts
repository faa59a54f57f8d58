// Scratch projects for the CLI tests: folders under the OS temp directory (removed after
// the test file), each with a .git marker so .gitignore lookups stay inside it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after } from "node:test";
import { REPO_ROOT } from "./fixtures";

/** An interval handle dropped in a method: one uncleared-interval finding (severity error by default). */
export const LEAKY = `export class Poller {
  start(): void {
    setInterval(() => this.poll(), 1000);
  }
  poll(): void {}
  dispose(): void {}
}
`;

/** Code without findings. */
export const CLEAN = `export function later(fn: () => void): ReturnType<typeof setTimeout> {
  return setTimeout(fn, 10);
}
`;

/** A stream opened per call and never closed: one unclosed-stream finding (error). */
export const STREAM_LEAK = `import fs from "node:fs";
export function header(file: string): string {
  const stream = fs.createReadStream(file);
  return String(stream.path);
}
`;

/** A factory of scratch projects: `project({ "src/a.ts": text })` writes the files and returns the folder. */
export function scratchProjects(prefix: string): (files: Record<string, string>) => string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  let counter = 0;
  return (files) => {
    const dir = path.join(root, `p${++counter}`);
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    fs.mkdirSync(path.join(dir, ".git"), { recursive: true });
    return dir;
  };
}

/** Like `scratchProjects`, with the repository's real `@types/node` visible at each project's root (as `npm i -D @types/node` would make it). */
export function typedProjects(prefix: string): (files: Record<string, string>) => string {
  const scratch = scratchProjects(prefix);
  return (files) => {
    const dir = scratch(files);
    fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"), "dir");
    return dir;
  };
}

/**
 * A listener added per request on the server: a finding (line 4) only with types, where `srv`
 * is a server because its type `Host` says so (from `@types/node`), not its name. Line 2
 * declares or imports `Host`.
 */
export function serverListener(host = "type Host = ReturnType<typeof http.createServer>;"): string {
  return `import http, { type IncomingMessage, type ServerResponse } from "node:http";
${host}
function watchUpgrades(srv: Host, res: ServerResponse): void {
  srv.on("upgrade", () => res.end());
}
const app = http.createServer((req: IncomingMessage, res: ServerResponse) => {
  watchUpgrades(app, res);
  res.end(String(req.url));
});
app.listen(8080);
`;
}
