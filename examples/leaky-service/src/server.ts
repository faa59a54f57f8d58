// Entry point: wires the routes — the database ones when DATABASE_URL is set (scripts/pg.sh
// starts a throwaway PostgreSQL) — and starts listening on loopback (PORT, default 3000). `npm start` builds it to dist/ and runs it; scripts/load.js puts
// load on the leaky endpoints and their correct twins (docs/heap.md).
import express from "express";
import { registerEventRoutes } from "./listener/events";
import { createOrderSchema, registerOrderRoutes } from "./resource/db";
import { registerSessionRoutes } from "./growth/sessions";
import { registerMetricsRoutes } from "./timers/metrics";

export const app = express();
app.use(express.json());
registerMetricsRoutes(app);
registerSessionRoutes(app);
registerEventRoutes(app);

// OK: a process-lifetime heartbeat in the entry point.
setInterval(() => process.stdout.write(""), 60_000);

function listen(): void {
  const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
    const address = server.address();
    process.stdout.write(`leaky-service listening on ${typeof address === "object" && address ? `http://127.0.0.1:${address.port}` : String(address)}\n`);
  });
}

if (process.env.DATABASE_URL) {
  createOrderSchema().then(() => {
    registerOrderRoutes(app);
    listen();
  }, (error: Error) => {
    process.stderr.write(`leaky-service: cannot set up the database at DATABASE_URL: ${error.message}\n`);
    process.exit(1);
  });
} else {
  listen();
}
