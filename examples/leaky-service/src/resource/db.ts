// Orders backed by PostgreSQL: shared pools, transactions, and a report route. server.ts
// mounts the order routes when DATABASE_URL is set (scripts/pg.sh starts a cluster).
import type { Express, Request, Response } from "express";
import pg from "pg";

// Small pools, one per order path, so a leak drains only its own pool; a checkout waits at
// most 2 s for a free client before it fails.
const options = { connectionString: process.env.DATABASE_URL, max: 4, connectionTimeoutMillis: 2_000 };
const pool = new pg.Pool(options);
const poolOk = new pg.Pool(options);

export async function placeOrder(userId: number, sku: string): Promise<number> {
  // LEAK: a failing insert never returns the client to the pool.
  const client = await pool.connect();
  await client.query("begin");
  const { rows } = await client.query("insert into orders(user_id, sku) values ($1, $2) returning id", [userId, sku]);
  await client.query("commit");
  client.release();
  return rows[0].id as number;
}

export async function placeOrderOk(userId: number, sku: string): Promise<number> {
  // OK: released in finally, rolled back on failure.
  const client = await poolOk.connect();
  try {
    await client.query("begin");
    const { rows } = await client.query("insert into orders(user_id, sku) values ($1, $2) returning id", [userId, sku]);
    await client.query("commit");
    return rows[0].id as number;
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
}

export function registerReportRoutes(app: Express): void {
  app.get("/reports/daily", async (req, res) => {
    // LEAK: a new pool (and its connections) for every request, never ended.
    const reports = new pg.Pool({ max: 2 });
    const { rows } = await reports.query("select * from daily_report");
    res.json(rows);
  });

  app.get("/reports/weekly", async (req, res) => {
    // OK: the shared module-level pool.
    const { rows } = await pool.query("select * from weekly_report");
    res.json(rows);
  });
}

export function createOrderSchema(): Promise<unknown> {
  return poolOk.query("create table if not exists orders (id serial primary key, user_id integer not null, sku text not null check (sku <> ''))");
}

/** totalCount/idleCount/waitingCount of each pool: a leaking pool runs dry and requests wait. */
export function poolStats(): Record<string, { total: number; idle: number; waiting: number }> {
  const stats = (p: pg.Pool) => ({ total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount });
  return { orders: stats(pool), ordersOk: stats(poolOk) };
}

export function registerOrderRoutes(app: Express): void {
  const place = (handler: typeof placeOrder) => async (req: Request, res: Response) => {
    try {
      res.json({ id: await handler(Number(req.body?.userId), String(req.body?.sku ?? "")) });
    } catch (error) {
      // pg-pool's checkout timeout: the pool is dry; anything else is the failed insert.
      const message = (error as Error).message;
      res.status(/timeout exceeded when trying to connect/.test(message) ? 503 : 500).json({ error: message });
    }
  };
  app.post("/orders", place(placeOrder));
  app.post("/orders-ok", place(placeOrderOk));
  app.get("/db/stats", (req, res) => {
    res.json(poolStats());
  });
}
