#!/usr/bin/env node
// Bounded load on 127.0.0.1 for `leaklint heap capture --load`: each round calls every
// leaky endpoint the server mounts and its correct twin once. Streaming endpoints (server-
// sent events, metrics streams) are left as a client does: the connection is closed as
// soon as the response starts. Session ids are unique across runs, so every round adds
// what the leaky endpoints keep.
//
//   node scripts/load.js [--rounds N] [--concurrency N] [--url http://127.0.0.1:PORT]
//
// The URL defaults to http://127.0.0.1:$PORT (PORT default 3000); the script waits up to
// 20 s for the server to accept connections.
"use strict";
const crypto = require("node:crypto");
const http = require("node:http");
const { parseArgs } = require("node:util");

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "8" },
    url: { type: "string", default: `http://127.0.0.1:${process.env.PORT || 3000}` },
  },
});
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write("load: --rounds and --concurrency expect positive integers\n");
  process.exit(2);
}
const base = new URL(values.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const run = crypto.randomUUID().slice(0, 8);

/** GET `path`; a streaming endpoint's connection is closed once its headers arrive. */
function get(path, { stream = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, base), { agent: stream ? false : agent }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
        return;
      }
      if (stream) {
        req.destroy();
        resolve();
        return;
      }
      res.resume();
      res.on("end", resolve);
      res.on("error", reject);
    });
    req.on("error", (error) => (stream && req.destroyed && error.code === "ECONNRESET" ? resolve() : reject(error)));
  });
}

function round(i) {
  const id = `${run}-${i}`;
  return Promise.all([
    get(`/session/${id}?user=u${i}`),
    get(`/session-ok/${id}?user=u${i}`),
    get("/events", { stream: true }),
    get("/events-ok", { stream: true }),
    get("/metrics/stream", { stream: true }),
    get("/metrics/stream-ok", { stream: true }),
  ]);
}

async function waitForServer() {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await get("/session-ok/warm-up?user=load");
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no server at ${base.origin} after 20 s: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function main() {
  await waitForServer();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < rounds) await round(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`load: ${rounds} rounds × 6 requests to ${base.origin} in ${seconds.toFixed(1)} s\n`);
}

main().catch((error) => {
  process.stderr.write(`load: ${error.message}\n`);
  process.exit(1);
});
