// Entry point: `node main.js --stdio` (or --node-ipc / --socket=N, as vscode-languageserver
// reads them from argv). Everything else lives in one LeaklintServer per connection.
import { ProposedFeatures, createConnection } from "vscode-languageserver/node";
import { LeaklintServer } from "./server";

new LeaklintServer(createConnection(ProposedFeatures.all)).listen();
