// Session and rate-limit bookkeeping: module-level maps filled per request.
import type { Express, Request, Response } from "express";

interface Session {
  user: string;
  lastSeen: number;
}

// LEAK: one entry per session id, never evicted.
const sessions = new Map<string, Session>();

// LEAK: one counter per client address, never reset.
const hitsByIp: Record<string, number> = {};

// LEAK: request objects kept as keys forever (a WeakMap would let them go).
const startedAt = new Map<Request, number>();

// OK: bounded, evicting the oldest session when full.
const MAX_RECENT_SESSIONS = 500;
const recentSessions = new Map<string, Session>();

// OK: a WeakMap does not keep its request keys alive.
const startedAtWeak = new WeakMap<Request, number>();

// OK: counters reset every minute.
const windowHits = new Map<string, number>();
setInterval(() => windowHits.clear(), 60_000).unref();

export function registerSessionRoutes(app: Express): void {
  app.get("/session/:id", (req: Request, res: Response) => {
    sessions.set(String(req.params.id), { user: String(req.query.user), lastSeen: Date.now() });
    hitsByIp[req.ip ?? "unknown"] = (hitsByIp[req.ip ?? "unknown"] ?? 0) + 1;
    startedAt.set(req, Date.now());
    res.json({ started: startedAt.get(req) });
  });

  app.get("/session-ok/:id", (req: Request, res: Response) => {
    if (recentSessions.size >= MAX_RECENT_SESSIONS) recentSessions.delete(recentSessions.keys().next().value!);
    recentSessions.set(String(req.params.id), { user: String(req.query.user), lastSeen: Date.now() });
    startedAtWeak.set(req, Date.now());
    windowHits.set(req.ip ?? "unknown", (windowHits.get(req.ip ?? "unknown") ?? 0) + 1);
    res.json({ started: startedAtWeak.get(req) });
  });
}
