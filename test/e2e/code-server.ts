// Real VS Code for the end-to-end test: code-server (the VS Code workbench and extension
// host, from npm, installed by test/e2e/setup.sh into .e2e/code-server) with the packaged
// leaklint.vsix installed, driven in Debian's chromium by playwright-core. code-server
// runs in its own process group (detached = setsid) and the whole group is killed.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";

export const REPO = path.resolve(__dirname, "..", "..", "..");
export const CODE_SERVER_HOME = path.join(REPO, ".e2e", "code-server");
const CODE_SERVER_BIN = path.join(CODE_SERVER_HOME, "node_modules", ".bin", "code-server");
export const VSIX = path.join(REPO, "leaklint.vsix");
export const FAILURES_DIR = path.join(REPO, ".e2e", "failures");

export interface Session {
  run: string;
  workspace: string;
  page: Page;
  close(): Promise<void>;
}

export function assertInstalled(): void {
  if (!fs.existsSync(CODE_SERVER_BIN)) throw new Error("code-server is not installed: run test/e2e/setup.sh first");
  if (!fs.existsSync("/usr/bin/chromium")) throw new Error("/usr/bin/chromium is missing: run test/e2e/setup.sh first");
}

/** Bundles and packages the extension (so the test always runs the current code). */
export function packageExtension(): void {
  execFileSync("npm", ["run", "--silent", "package"], { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] });
}

/** Starts code-server on a copy of `example` with the vsix installed, and opens it in chromium. */
export async function startSession(example: string): Promise<Session> {
  // Short run dir: unix socket paths are limited to 107 bytes.
  const run = fs.mkdtempSync(path.join(os.tmpdir(), "lle-"));
  const workspace = path.join(run, "ws");
  fs.cpSync(example, workspace, { recursive: true });
  // Type declarations (express, @types/node) resolve as they do in the repository.
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(workspace, "node_modules"), "dir");
  const env = {
    ...process.env,
    CS_HOME: CODE_SERVER_HOME,
    XDG_CONFIG_HOME: path.join(run, "xdg", "config"),
    XDG_DATA_HOME: path.join(run, "xdg", "data"),
    XDG_CACHE_HOME: path.join(run, "xdg", "cache"),
  };
  execFileSync(CODE_SERVER_BIN, ["--config", "/dev/null", "--extensions-dir", path.join(run, "exts"), "--install-extension", VSIX],
    { env, stdio: "ignore" });
  const port = await freePort();
  const server = spawn("sh", [path.join(__dirname, "..", "..", "e2e", "start-code-server.sh"), String(port), run, workspace],
    { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    killGroup(server);
    fs.rmSync(run, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await listening(server);
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    return { run, workspace, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Resolves when code-server says it is listening (its log line), rejects if it exits first. */
function listening(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/HTTP server listening on/.test(output)) resolve();
    };
    server.stdout!.on("data", onData);
    server.stderr!.on("data", onData);
    server.once("exit", (code) => reject(new Error(`code-server exited with ${code}:\n${output}`)));
  });
}

function killGroup(server: ChildProcess): void {
  if (server.pid === undefined || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Runs a step; on failure saves a screenshot under .e2e/failures/ and rethrows. */
export async function step<T>(page: Page, name: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    fs.mkdirSync(FAILURES_DIR, { recursive: true });
    const file = path.join(FAILURES_DIR, `${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    await page.screenshot({ path: file }).catch(() => undefined);
    throw new Error(`${name} failed (screenshot: ${path.relative(REPO, file)}): ${(error as Error).message}`);
  }
}

/** Resolves when `read()` satisfies `predicate`, re-reading on every change of the file. */
export function waitForFile(file: string, predicate: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const text = fs.readFileSync(file, "utf8");
      if (!predicate(text)) return false;
      watcher.close();
      clearTimeout(timer);
      resolve(text);
      return true;
    };
    // Watch the folder: an editor may save by replacing the file.
    const watcher = fs.watch(path.dirname(file), () => void check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${file} did not reach the expected content in ${timeoutMs} ms`));
    }, timeoutMs);
    check();
  });
}
