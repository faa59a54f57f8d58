// Upstream calls: abort controllers, hand-made timeouts and listeners on shared signals.
const shutdown = new AbortController();
process.once("SIGTERM", () => shutdown.abort());

export async function fetchProfile(url: string): Promise<unknown> {
  // LEAK: the hand-made abort timer is never cleared and keeps the controller alive for 5 s.
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 5000);
  const res = await fetch(url, { signal: ac.signal });
  return res.json();
}

export async function fetchProfileOk(url: string): Promise<unknown> {
  // OK: AbortSignal.timeout needs no cleanup.
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return res.json();
}

export async function fastest(urls: string[]): Promise<Response> {
  // LEAK: an exception from the race skips abort(), and the losers keep running.
  const ac = new AbortController();
  const winner = await Promise.race(urls.map((u) => fetch(u, { signal: ac.signal })));
  ac.abort();
  return winner;
}

export async function fastestOk(urls: string[]): Promise<Response> {
  // OK: aborted on every path.
  const ac = new AbortController();
  try {
    return await Promise.race(urls.map((u) => fetch(u, { signal: ac.signal })));
  } finally {
    ac.abort();
  }
}

export function onShutdown(callback: () => void): Promise<void> {
  return new Promise((resolve) => {
    // LEAK: a listener on the process-wide signal per call, never removed.
    shutdown.signal.addEventListener("abort", () => {
      callback();
      resolve();
    });
  });
}

export function onShutdownOk(callback: () => void): Promise<void> {
  return new Promise((resolve) => {
    // OK: removes itself when it fires.
    shutdown.signal.addEventListener("abort", () => {
      callback();
      resolve();
    }, { once: true });
  });
}
