// Entry point: wires the routes that need no database and starts listening on loopback
// (PORT, default 3000). `npm start` builds it to dist/ and runs it; scripts/load.js puts
// load on the leaky endpoints and their correct twins (docs/heap.md).
import express from "express";
import { registerEventRoutes } from "./listener/events";
import { registerSessionRoutes } from "./growth/sessions";
import { registerMetricsRoutes } from "./timers/metrics";

export const app = express();
app.use(express.json());
registerMetricsRoutes(app);
registerSessionRoutes(app);
registerEventRoutes(app);

// OK: a process-lifetime heartbeat in the entry point.
setInterval(() => process.stdout.write(""), 60_000);

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`leaky-service listening on ${typeof address === "object" && address ? `http://127.0.0.1:${address.port}` : String(address)}\n`);
});
