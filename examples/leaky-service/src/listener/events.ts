// Server-sent events and process hooks: listeners on long-lived emitters.
import { EventEmitter } from "node:events";
import type { Express, Request, Response } from "express";

export const bus = new EventEmitter();

export function registerEventRoutes(app: Express): void {
  app.get("/events", (req: Request, res: Response) => {
    res.flushHeaders();
    // LEAK: a listener on the module-level bus per request, never removed.
    bus.on("message", (msg: string) => res.write(`data: ${msg}\n\n`));
  });

  app.get("/events-ok", (req: Request, res: Response) => {
    res.flushHeaders();
    // OK: removed when the client goes away.
    const onMessage = (msg: string) => res.write(`data: ${msg}\n\n`);
    bus.on("message", onMessage);
    res.on("close", () => bus.off("message", onMessage));
  });

  app.get("/shutdown-hook", (req: Request, res: Response) => {
    // LEAK: one more process listener per request.
    process.on("SIGTERM", () => res.end());
    // OK: a one-shot listener removes itself.
    process.once("beforeExit", () => res.end());
    res.end();
  });
}
