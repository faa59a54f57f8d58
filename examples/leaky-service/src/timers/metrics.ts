// Metrics: a sampler class, a flusher, per-request polling and a module-level flush timer.
import type { Express, Request, Response } from "express";
const samples: number[] = [];
export class Flusher {
  private timer?: ReturnType<typeof setInterval>;
  // LEAK: kept in a field, but nothing ever clears it: Flusher has no teardown.
  constructor() { this.timer = setInterval(() => (samples.length = 0), 30_000); }
}

// OK: an application's module-level flush (its package.json is private), unref()'d too: it
// lives as long as the service and does not keep the process from exiting.
setInterval(() => samples.splice(0, samples.length), 60_000).unref();

export class Sampler {
  private timer?: ReturnType<typeof setInterval>;

  start(): void {
    // LEAK: the handle is dropped; dispose() cannot stop it.
    setInterval(() => samples.push(process.memoryUsage().heapUsed), 1000);
  }

  startTracked(): void {
    // OK: stored and cleared in dispose().
    this.timer = setInterval(() => samples.push(Date.now()), 1000);
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}

export function registerMetricsRoutes(app: Express): void {
  app.get("/metrics/stream", (req: Request, res: Response) => {
    // LEAK: an interval per request, never cleared when the client goes away.
    const tick = setInterval(() => res.write(`${samples.length}\n`), 1000);
    res.write(`started ${String(tick)}\n`);
  });

  app.get("/metrics/stream-ok", (req: Request, res: Response) => {
    res.flushHeaders();
    // OK: cleared when the response closes.
    const tick = setInterval(() => res.write(`${samples.length}\n`), 1000);
    res.on("close", () => clearInterval(tick));
  });
}
