// A cancellation signal handed down from the agent (interrupt, SIGTERM, deadline) to the
// Host calls a measurement makes: each call registers its handle's cancel, so stopping a
// specification stops real work (processes, downloads, connections) at once.

/** @noSelf */
export type CancelListener = (reason: string) => void;

export class Cancel {
  private listeners: CancelListener[] = [];
  private why: string | undefined = undefined;

  get cancelled(): boolean {
    return this.why !== undefined;
  }

  get reason(): string | undefined {
    return this.why;
  }

  /** Calls f now if already cancelled; otherwise once, on cancel. Returns an unsubscribe. */
  onCancel(f: CancelListener): () => void {
    if (this.why !== undefined) {
      f(this.why);
      return () => undefined;
    }
    this.listeners.push(f);
    return () => {
      const i = this.listeners.indexOf(f);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  cancel(reason: string): void {
    if (this.why !== undefined) return;
    this.why = reason;
    const ls = this.listeners;
    this.listeners = [];
    for (const f of ls) f(reason);
  }

  /** A child that is cancelled with this one, and may also be cancelled alone. */
  child(): Cancel {
    const c = new Cancel();
    const off = this.onCancel((r) => c.cancel(r));
    c.onCancel(() => off());
    return c;
  }
}
