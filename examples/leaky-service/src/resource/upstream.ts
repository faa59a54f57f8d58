// Calls to an upstream pricing API with fetch and http.get.
import https from "node:https";

export async function price(sku: string): Promise<number | undefined> {
  // LEAK: an unknown SKU (a 404, normal traffic) returns a fallback without reading or cancelling the body.
  const res = await fetch(`https://prices.example.com/${sku}`);
  if (res.status === 404) return undefined;
  const body = (await res.json()) as { price: number };
  return body.price;
}

export async function priceOk(sku: string): Promise<number | undefined> {
  const res = await fetch(`https://prices.example.com/${sku}`);
  if (res.status === 404) {
    // OK: the body is cancelled before leaving.
    await res.body?.cancel();
    return undefined;
  }
  const body = (await res.json()) as { price: number };
  return body.price;
}

export function upstreamAlive(done: (alive: boolean) => void): void {
  // LEAK: the response is never consumed, so its socket is never freed.
  https.get("https://prices.example.com/health", (res) => {
    done(res.statusCode === 200);
  });
}

export function upstreamAliveOk(done: (alive: boolean) => void): void {
  https.get("https://prices.example.com/health", (res) => {
    // OK: the body is discarded.
    res.resume();
    done(res.statusCode === 200);
  });
}
