// Entry point: `node main.js --stdio` (or --node-ipc / --socket=N, as vscode-languageserver
// reads them from argv). Everything else lives in one LeaklintServer per connection.
// A stray exception is logged, never fatal: the editor keeps its linter.
// Started with LEAKLINT_HEAP_ARGS it is instead `leaklint heap …` for the heap-diff command
// (heap-diff.ts): the bundled extension has no other copy of the CLI to run.
import { ProposedFeatures, createConnection } from "vscode-languageserver/node";
import { HEAP_ARGS_ENV } from "./heap-diff";
import { LeaklintServer } from "./server";
import { stdioTransport } from "./transport";

const heapArgs = process.env[HEAP_ARGS_ENV];
if (heapArgs !== undefined) runHeapCli(JSON.parse(heapArgs) as string[]);
else startServer();

function runHeapCli(argv: string[]): void {
  const { heapMain } = require("leaklint/dist/heap/cli") as typeof import("leaklint/dist/heap/cli");
  const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t), isTTY: false, cwd: process.cwd(), env: process.env, readStdin: () => "" };
  void Promise.resolve(heapMain(argv, io)).then((code) => {
    process.exitCode = code;
  });
}

function startServer(): void {
  const stdio = process.argv.includes("--stdio") ? stdioTransport() : undefined;
  const connection = stdio ? createConnection(ProposedFeatures.all, stdio.reader, stdio.writer) : createConnection(ProposedFeatures.all);
  stdio?.attach(connection);
  const report = (what: string) => (error: unknown): void => {
    connection.console.error(`leaklint server: ${what}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  };
  process.on("uncaughtException", report("uncaught exception"));
  process.on("unhandledRejection", report("unhandled rejection"));
  new LeaklintServer(connection).listen();
}
