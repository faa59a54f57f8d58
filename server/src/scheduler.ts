// Debounced analysis per document: a newer version replaces the pending run of an older
// one, so stale versions are never analysed; `run` re-checks the version after every
// await and drops results that a newer edit made stale.
export class Scheduler {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; version: number }>();

  constructor(private readonly delayMs: number, private readonly run: (uri: string, version: number, exact: boolean) => Promise<void>) {}

  /** `exact`: the whole file (on open, save, config changes, and to confirm a quick lint); else a quick lint after an edit. */
  schedule(uri: string, version: number, delayMs = this.delayMs, exact = true): void {
    // A run of an older version (the confirmation of a quick lint that finished late) never replaces a newer one.
    if ((this.pending.get(uri)?.version ?? -Infinity) > version) return;
    this.cancel(uri);
    const timer = setTimeout(() => {
      this.pending.delete(uri);
      void this.run(uri, version, exact);
    }, delayMs);
    this.pending.set(uri, { timer, version });
  }

  cancel(uri: string): void {
    const pending = this.pending.get(uri);
    if (pending) clearTimeout(pending.timer);
    this.pending.delete(uri);
  }

  dispose(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
