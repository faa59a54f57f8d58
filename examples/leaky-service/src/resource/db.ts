// Orders backed by PostgreSQL: a shared pool, transactions, and a report route.
import type { Express } from "express";
import pg from "pg";

const pool = new pg.Pool({ max: 10 });

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
  const client = await pool.connect();
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
