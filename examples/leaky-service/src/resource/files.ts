// Files: exports streamed to the client, uploads appended to disk, and an audit log.
import { createReadStream, createWriteStream, openSync, writeSync, closeSync } from "node:fs";
import { open } from "node:fs/promises";
import type { Request, Response } from "express";

export function downloadExport(req: Request, res: Response): void {
  // LEAK: the stream is opened before the permission check and never closed when it fails.
  const file = createReadStream(`/exports/${req.params.id}.csv`);
  if (!req.headers.authorization) {
    res.status(401).end();
    return;
  }
  file.pipe(res);
}

export function downloadExportOk(req: Request, res: Response): void {
  if (!req.headers.authorization) {
    res.status(401).end();
    return;
  }
  // OK: opened only when it is piped straight away.
  createReadStream(`/exports/${req.params.id}.csv`).pipe(res);
}

export async function readManifest(path: string): Promise<unknown> {
  // LEAK: a JSON parse error skips the close.
  const handle = await open(path);
  const manifest: unknown = JSON.parse(await handle.readFile("utf8"));
  await handle.close();
  return manifest;
}

export async function readManifestOk(path: string): Promise<unknown> {
  // OK: closed in finally.
  const handle = await open(path);
  try {
    return JSON.parse(await handle.readFile("utf8")) as unknown;
  } finally {
    await handle.close();
  }
}

export function appendAudit(line: string): void {
  // LEAK: a failing write leaks the descriptor.
  const fd = openSync("/var/log/audit.log", "a");
  writeSync(fd, `${line}\n`);
  closeSync(fd);
}

export function appendAuditOk(line: string): void {
  // OK: closed on every path.
  const fd = openSync("/var/log/audit.log", "a");
  try {
    writeSync(fd, `${line}\n`);
  } finally {
    closeSync(fd);
  }
}

export function writeReport(rows: string[]): void {
  // LEAK: written to and never ended.
  const out = createWriteStream("/tmp/report.csv");
  for (const row of rows) out.write(`${row}\n`);
}

export function writeReportOk(rows: string[]): void {
  // OK: ended once everything is written.
  const out = createWriteStream("/tmp/report.csv");
  for (const row of rows) out.write(`${row}\n`);
  out.end();
}
