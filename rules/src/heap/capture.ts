// `leaklint heap capture`: takes the base, target and final snapshots of a running Node
// process over the inspector protocol and drives the load between them. The process is
// either started here (`-- node server.js`: the inspector is put on 127.0.0.1 at a free
// port, `--inspect=127.0.0.1:0`) or already running with `--inspect=<port>`. Between
// snapshots it runs the `--load` command (once more before base, as a warm-up) or waits
// `--interval` seconds. The service's own output goes to stderr, so stdout stays the report.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { InspectorClient, InspectorError, debuggerUrl } from "./inspector";
import { formatBytes } from "./report";

export interface CaptureOptions {
  outDir: string;
  /** Shell command run before base (warm-up) and between the snapshots. */
  load?: string;
  /** Seconds to wait between snapshots (without --load, or after it). */
  interval?: number;
  warmup: boolean;
  /** Attach to a process already listening on this inspector port. */
  port?: number;
  /** Start this command (a node program) with the inspector. */
  command?: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export const SNAPSHOT_NAMES = ["base", "target", "final"] as const;

/** Takes the three snapshots; resolves with their paths. */
export async function captureSnapshots(options: CaptureOptions): Promise<string[]> {
  fs.mkdirSync(options.outDir, { recursive: true });
  const started = options.command ? startInspected(options) : undefined;
  let client: InspectorClient | undefined;
  try {
    const url = started ? await started.url : await debuggerUrl(options.port!);
    client = await InspectorClient.connect(url);
    if (started) await client.send("Runtime.runIfWaitingForDebugger");
    if (options.warmup && options.load) await runLoad(options, "warm-up", started);
    const files: string[] = [];
    for (const [i, name] of SNAPSHOT_NAMES.entries()) {
      if (i > 0) await drive(options, `${i}`, started);
      const file = path.join(options.outDir, `${name}.heapsnapshot`);
      const begun = Date.now();
      const size = await raceExit(client.takeSnapshot(file), started);
      options.log(`${name} snapshot: ${formatBytes(size)} in ${((Date.now() - begun) / 1000).toFixed(1)} s → ${file}`);
      files.push(file);
    }
    return files;
  } finally {
    client?.close();
    if (started) await stop(started.child);
  }
}

async function drive(options: CaptureOptions, phase: string, started: Started | undefined): Promise<void> {
  if (options.load) await runLoad(options, phase, started);
  if (options.interval) await raceExit(new Promise<void>((resolve) => setTimeout(resolve, options.interval! * 1000)), started);
}

interface Started {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<never>;
}

/** Starts `node …` with `--inspect=127.0.0.1:0`; its debugger URL is read from its stderr. */
function startInspected(options: CaptureOptions): Started {
  const [program, ...rest] = options.command!;
  if (!isNode(program)) throw new InspectorError(`capture starts Node programs: give \`-- node <script> …\` (got "${program}"); for anything else start it with --inspect=<port> and pass --inspect <port>`);
  const child = spawn(program === "node" ? process.execPath : program, ["--inspect=127.0.0.1:0", ...rest], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let ended: (error: Error) => void = () => undefined;
  const exited = new Promise<never>((_, reject) => {
    ended = reject;
    child.on("exit", (code, signal) => reject(new InspectorError(`the service exited during the capture (${signal ?? `exit code ${code}`})`)));
  });
  exited.catch(() => undefined); // observed by raceExit
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (data: Buffer) => {
      const text = data.toString("utf8");
      stderr += text;
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]);
      // A Node process that ends while a debugger is attached waits for it to disconnect instead of exiting.
      if (text.includes("Waiting for the debugger to disconnect")) ended(new InspectorError("the service exited during the capture (it ended while the inspector was attached)"));
      for (const line of text.split("\n")) if (line && !/Debugger listening|For help, see|Debugger attached|Waiting for the debugger/.test(line)) options.log(`[service] ${line}`);
    });
    child.on("error", (error) => reject(new InspectorError(`cannot start ${program}: ${error.message}`)));
    child.on("exit", () => reject(new InspectorError(`${options.command!.join(" ")} exited before its inspector was up:\n${stderr.trim()}`)));
  });
  child.stdout!.on("data", (data: Buffer) => {
    for (const line of data.toString("utf8").split("\n")) if (line) options.log(`[service] ${line}`);
  });
  return { child, url, exited };
}

function isNode(program: string): boolean {
  return program === "node" || program === process.execPath || /(^|[\\/])node(\.exe)?$/.test(program);
}

function raceExit<T>(work: Promise<T>, started: Started | undefined): Promise<T> {
  return started ? Promise.race([work, started.exited]) : work;
}

/** Runs the load command in a shell; LEAKLINT_HEAP_PHASE says which run it is (warm-up, 1, 2). */
async function runLoad(options: CaptureOptions, phase: string, started: Started | undefined): Promise<void> {
  const begun = Date.now();
  const child = spawn(options.load!, { shell: true, cwd: options.cwd, env: { ...options.env, LEAKLINT_HEAP_PHASE: phase }, stdio: ["ignore", "pipe", "pipe"] });
  const relay = (data: Buffer) => {
    for (const line of data.toString("utf8").split("\n")) if (line) options.log(`[load] ${line}`);
  };
  child.stdout!.on("data", relay);
  child.stderr!.on("data", relay);
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", (error) => reject(new InspectorError(`cannot run the load command: ${error.message}`)));
    child.on("exit", (code, signal) => (code === 0 ? resolve() : reject(new InspectorError(`the load command failed (${signal ?? `exit code ${code}`}): ${options.load}`))));
  });
  try {
    await raceExit(done, started);
  } finally {
    if (child.exitCode === null) child.kill();
  }
  options.log(`load (${phase}): ${((Date.now() - begun) / 1000).toFixed(1)} s`);
}

/** SIGTERM, then SIGKILL after 3 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}
