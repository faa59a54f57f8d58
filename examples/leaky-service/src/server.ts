// Entry point: wires the routes and starts listening.
import express from "express";
import { registerMetricsRoutes } from "./timers/metrics";

export const app = express();
app.use(express.json());
registerMetricsRoutes(app);

// OK: a process-lifetime heartbeat in the entry point.
setInterval(() => process.stdout.write(""), 60_000);

app.listen(Number(process.env.PORT ?? 3000));
