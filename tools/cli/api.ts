// The CLI's only way to the collector: its HTTP API. Failures become CliError with the
// exit code scripts can rely on (see EXIT in main.ts).
export class CliError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

export const EXIT = { OK: 0, ERROR: 1, REFUSED: 2, TIMEOUT: 3, NOT_FOUND: 4, USAGE: 64 } as const;

export class Api {
  constructor(readonly base: string, readonly token?: string) {}

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: any; headers: Headers }> {
    let r: Response;
    try {
      r = await fetch(this.base.replace(/\/$/, "") + path, {
        method,
        headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(this.token ? { authorization: "Bearer " + this.token } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30000),
      });
    } catch (e) {
      throw new CliError(`cannot reach the collector at ${this.base}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message} (start it with 'npm run collector', or give --url)`, EXIT.ERROR);
    }
    const text = await r.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (r.status >= 400) {
      const why = json?.error ?? text.slice(0, 200);
      throw new CliError(`collector: ${why}`, r.status === 404 ? EXIT.NOT_FOUND : r.status < 500 ? EXIT.USAGE : EXIT.ERROR);
    }
    return { status: r.status, text, json, headers: r.headers };
  }

  async get(path: string): Promise<any> {
    return (await this.request("GET", path)).json;
  }

  async post(path: string, body: unknown = {}): Promise<any> {
    return (await this.request("POST", path, body)).json;
  }
}
