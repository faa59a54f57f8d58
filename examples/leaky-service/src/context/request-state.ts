// Request state: middleware that keeps request objects beyond their request.
import { AsyncLocalStorage } from "node:async_hooks";
import type { NextFunction, Request, Response } from "express";

export function createAuditMiddleware() {
  const context: { request?: Request } = {};
  return (req: Request, res: Response, next: NextFunction): void => {
    // LEAK: the factory's closure object is shared by every request and keeps the last one alive.
    context.request = req;
    next();
  };
}

export function createAuditMiddlewareOk() {
  return (req: Request, res: Response, next: NextFunction): void => {
    // OK: only primitive fields, on the response's own locals.
    res.locals.audit = { method: req.method, url: req.url };
    next();
  };
}

const requestIds = new AsyncLocalStorage<{ id: string }>();

export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  // LEAK: enterWith sets the store beyond this request.
  requestIds.enterWith({ id: String(req.headers["x-request-id"]) });
  next();
}

export function requestIdMiddlewareOk(req: Request, res: Response, next: NextFunction): void {
  // OK: run() scopes the store to this request.
  requestIds.run({ id: String(req.headers["x-request-id"]) }, () => next());
}
