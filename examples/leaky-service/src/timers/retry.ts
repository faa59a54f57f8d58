// Retries and per-request guards: one-shot timers that outlive their owner.
import type { Express, Request, Response } from "express";

export class Reconnector {
  private attempts = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;

  scheduleRetry(): void {
    // LEAK: the handle is dropped; dispose() cannot cancel the retry, which keeps the instance alive.
    setTimeout(() => this.connect(), 5000);
  }

  scheduleTrackedRetry(): void {
    // OK: stored and cleared in dispose().
    this.retryTimer = setTimeout(() => this.connect(), 5000);
  }

  connect(): void {
    this.attempts++;
  }

  dispose(): void {
    clearTimeout(this.retryTimer);
    this.attempts = 0;
  }
}

export function registerReportRoutes(app: Express): void {
  app.get("/reports/slow", (req: Request, res: Response) => {
    // LEAK: a 30 s timeout per request that holds req and res, never cleared.
    setTimeout(() => res.status(504).send(`timed out: ${req.url}`), 30_000);
    res.write("working");
  });

  app.get("/reports/slow-ok", (req: Request, res: Response) => {
    // OK: cleared when the response closes.
    const guard = setTimeout(() => res.status(504).send(`timed out: ${req.url}`), 30_000);
    res.on("close", () => clearTimeout(guard));
  });
}
