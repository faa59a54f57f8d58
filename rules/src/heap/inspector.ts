// A client of the V8 inspector protocol, as much of it as `leaklint heap capture` needs:
// find a Node process's WebSocket endpoint from its `--inspect` port, connect, send
// commands, and write `HeapProfiler.takeHeapSnapshot` chunks to a file as they arrive
// (a snapshot is never held in memory). The WebSocket layer (RFC 6455, client side:
// masked frames out, fragmented text frames in, ping/pong, close) is a few lines over
// `http` upgrade, so the CLI needs no WebSocket package on Node 20.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { Socket } from "node:net";

export class InspectorError extends Error {}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class InspectorClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, (params: Record<string, unknown>) => void>();
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (data: Buffer) => this.receive(data));
    socket.on("close", () => this.fail(new InspectorError("the inspector connection closed (did the process exit?)")));
    socket.on("error", (error) => this.fail(new InspectorError(`inspector connection: ${error.message}`)));
  }

  /** Connects to a `ws://host:port/<id>` debugger URL. */
  static connect(url: string): Promise<InspectorClient> {
    const target = new URL(url);
    return new Promise((resolve, reject) => {
      const request = http.get({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": randomBytes(16).toString("base64") },
      });
      request.on("upgrade", (_response, socket: Socket, head: Buffer) => {
        socket.setNoDelay(true);
        const client = new InspectorClient(socket);
        if (head.length > 0) client.receive(head);
        resolve(client);
      });
      request.on("response", (response) => {
        response.resume();
        reject(new InspectorError(`${url} refused the WebSocket upgrade (HTTP ${response.statusCode})`));
      });
      request.on("error", (error) => reject(new InspectorError(`cannot connect to ${url}: ${error.message}`)));
    });
  }

  /** Sends a command and resolves with its result. */
  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(new InspectorError("the inspector connection is closed"));
    const id = this.nextId++;
    this.writeFrame(0x1, Buffer.from(JSON.stringify({ id, method, params })));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  on(event: string, handler: (params: Record<string, unknown>) => void): void {
    this.handlers.set(event, handler);
  }

  /**
   * Takes a heap snapshot (V8 collects garbage first) and streams it into `file`;
   * `progress` gets done/total while V8 builds it. Resolves with the file's size.
   */
  async takeSnapshot(file: string, progress?: (done: number, total: number) => void): Promise<number> {
    const out = fs.openSync(file, "w");
    let size = 0;
    try {
      this.on("HeapProfiler.addHeapSnapshotChunk", (params) => {
        const chunk = Buffer.from(String(params.chunk));
        fs.writeSync(out, chunk);
        size += chunk.length;
      });
      this.on("HeapProfiler.reportHeapSnapshotProgress", (params) => progress?.(Number(params.done), Number(params.total)));
      await this.send("HeapProfiler.enable");
      await this.send("HeapProfiler.takeHeapSnapshot", { reportProgress: progress !== undefined, captureNumericValue: false });
    } finally {
      fs.closeSync(out);
      this.handlers.delete("HeapProfiler.addHeapSnapshotChunk");
      this.handlers.delete("HeapProfiler.reportHeapSnapshotProgress");
    }
    if (size === 0) throw new InspectorError("the inspector sent an empty heap snapshot");
    return size;
  }

  close(): void {
    if (this.closed) return;
    this.writeFrame(0x8, Buffer.alloc(0));
    this.closed = true;
    this.socket.end();
  }

  private fail(error: Error): void {
    this.closed = true;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  /** A client frame: FIN set, masked (RFC 6455 §5.3). */
  private writeFrame(opcode: number, payload: Buffer): void {
    const length = payload.length;
    const header = Buffer.alloc(length < 126 ? 2 : length < 65536 ? 4 : 10);
    header[0] = 0x80 | opcode;
    if (length < 126) header[1] = 0x80 | length;
    else if (length < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    const mask = randomBytes(4);
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = payload[i] ^ mask[i & 3];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  private receive(data: Buffer): void {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    for (;;) {
      const frame = parseFrame(this.buffer);
      if (!frame) return;
      this.buffer = this.buffer.subarray(frame.size);
      if (frame.opcode === 0x9) this.writeFrame(0xa, frame.payload); // ping → pong
      else if (frame.opcode === 0x8) this.socket.end();
      else if (frame.opcode === 0x1 || frame.opcode === 0x0) {
        this.fragments.push(frame.payload);
        if (frame.fin) {
          const text = Buffer.concat(this.fragments).toString("utf8");
          this.fragments = [];
          this.dispatch(text);
        }
      }
    }
  }

  private dispatch(text: string): void {
    const message = JSON.parse(text) as { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { message: string } };
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) pending?.reject(new InspectorError(message.error.message));
      else pending?.resolve(message.result);
    } else if (message.method) this.handlers.get(message.method)?.(message.params ?? {});
  }
}

/** One complete server frame at the start of `buffer` (unmasked), or undefined when more bytes are needed. */
function parseFrame(buffer: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | undefined {
  if (buffer.length < 2) return undefined;
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const masked = (buffer[1] & 0x80) !== 0;
  const start = offset + (masked ? 4 : 0);
  if (buffer.length < start + length) return undefined;
  const payload = Buffer.from(buffer.subarray(start, start + length));
  if (masked) for (let i = 0; i < length; i++) payload[i] ^= buffer[offset + (i & 3)];
  return { fin: (buffer[0] & 0x80) !== 0, opcode: buffer[0] & 0x0f, payload, size: start + length };
}

/** The debugger URL of the process listening on an `--inspect` port (its `/json/list`). */
export function debuggerUrl(port: number, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host, port, path: "/json/list" }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        try {
          const targets = JSON.parse(body) as Array<{ webSocketDebuggerUrl?: string }>;
          const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
          if (url) resolve(url);
          else reject(new InspectorError(`no debugging target at ${host}:${port}`));
        } catch {
          reject(new InspectorError(`${host}:${port} is not a Node inspector port (its /json/list is not JSON)`));
        }
      });
    }).on("error", (error) => reject(new InspectorError(`no inspector on ${host}:${port} (start the process with --inspect=${port}): ${error.message}`)));
  });
}
