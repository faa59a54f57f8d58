// The stdio transport, built here instead of inside `createConnection` so that a client
// that breaks message framing (a header without Content-Length, a length that is not a
// number, a body that is not JSON) gets an answer instead of silence: a JSON-RPC parse
// error (-32700, id null, as the JSON-RPC 2.0 specification asks for a message that
// cannot be read) and a log line. What `createConnection` does for `--stdio` itself is
// kept: console output goes to the client's log (stdout is the protocol) and the server
// exits when stdin closes.
import { format } from "node:util";
import { type Connection, ErrorCodes, type ResponseMessage, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver/node";

export interface StdioTransport {
  reader: StreamMessageReader;
  writer: StreamMessageWriter;
  /** Once the connection exists: framing errors answered and logged, console redirected. */
  attach(connection: Connection): void;
}

export function stdioTransport(): StdioTransport {
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  let shutdown = false;
  const exit = (): void => process.exit(shutdown ? 0 : 1);
  process.stdin.on("end", exit);
  process.stdin.on("close", exit);
  return {
    reader,
    writer,
    attach(connection) {
      connection.onShutdown(() => {
        shutdown = true;
      });
      reader.onError((error) => {
        const message = `leaklint server: cannot read a message from the client: ${error.message}`;
        connection.console.error(message);
        const answer: ResponseMessage = { jsonrpc: "2.0", id: null, error: { code: ErrorCodes.ParseError, message } };
        void writer.write(answer);
      });
      redirectConsole(connection);
    },
  };
}

/** console.* would write into the protocol stream: send it to the client's log instead. */
function redirectConsole(connection: Connection): void {
  const send = (write: (text: string) => void) => (...args: unknown[]): void => write(format(...args));
  console.log = send((text) => connection.console.log(text));
  console.info = send((text) => connection.console.info(text));
  console.debug = send((text) => connection.console.log(text));
  console.warn = send((text) => connection.console.warn(text));
  console.error = send((text) => connection.console.error(text));
}
