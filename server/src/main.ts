// Entry point: `node main.js --stdio` (or --node-ipc / --socket=N, as vscode-languageserver
// reads them from argv). Everything else lives in one LeaklintServer per connection.
// A stray exception is logged, never fatal: the editor keeps its linter.
import { ProposedFeatures, createConnection } from "vscode-languageserver/node";
import { LeaklintServer } from "./server";
import { stdioTransport } from "./transport";

const stdio = process.argv.includes("--stdio") ? stdioTransport() : undefined;
const connection = stdio ? createConnection(ProposedFeatures.all, stdio.reader, stdio.writer) : createConnection(ProposedFeatures.all);
stdio?.attach(connection);
const report = (what: string) => (error: unknown): void => {
  connection.console.error(`leaklint server: ${what}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
};
process.on("uncaughtException", report("uncaught exception"));
process.on("unhandledRejection", report("unhandled rejection"));
new LeaklintServer(connection).listen();
