// The HTTP side: JSON API (fastify, every input described by a JSON schema and checked
// before a handler runs), /healthz, /metrics, the registry document and the dashboard.
// Errors are always {"error": reason, "field"?: name} with a 4xx/5xx status.
import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { readFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { Collector } from "../collector.ts";
import { ControlError, capabilitiesOf, capabilitySchema } from "../control.ts";
import { ProbeRow, SpecRow } from "../store/store.ts";
import { apiRows, toCsv, toMplane } from "./results-format.ts";
import { parseTimeParam } from "./time-param.ts";
import { validProbeId } from "../topics.ts";
import { newPassword } from "../credentials.ts";

const here = dirname(fileURLToPath(import.meta.url));
const DASHBOARD = join(here, "../dashboard");
const UPLOT = join(here, "../../../node_modules/uplot/dist");
const MIME: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string) {
    super(message);
  }
}

/** How long past its schedule a probe may go without a report before it is `stale`. */
export function staleAfterMs(periodMs: number): number {
  return 2 * periodMs + 60000;
}

function specView(s: SpecRow, now: number) {
  let state = s.state;
  // A periodic specification whose scope has ended is finished, whatever came last.
  if ((state === "accepted" || state === "running") && s.end_ms !== null && now > Number(s.end_ms) + 60000) state = "done";
  return {
    token: s.token, probe: s.probe_id, label: s.label, when: s.when_text, state, message: s.message,
    created: s.created_ms, sent: s.sent_ms, receipt: s.receipt_ms, end: s.end_ms, period: s.period_ms,
    results: Number(s.results), lastResult: s.last_result_ms,
  };
}

export function probeView(p: ProbeRow, active: SpecRow[], now: number) {
  const online = p.status === "online";
  let period: number | undefined;
  for (const s of active) {
    if (s.probe_id !== p.id || s.period_ms === null || !["accepted", "running"].includes(s.state)) continue;
    if (s.end_ms !== null && Number(s.end_ms) < now) continue;
    if (period === undefined || Number(s.period_ms) < period) period = Number(s.period_ms);
  }
  const since = p.last_measurement_ms ?? p.status_ms ?? p.last_seen_ms;
  const stale = online && period !== undefined && since !== null && now - Number(since) > staleAfterMs(period);
  const caps = capabilitiesOf(p.capabilities_json);
  let status: Record<string, unknown> | null = null;
  try {
    status = p.status_json ? (JSON.parse(p.status_json) as Record<string, unknown>) : null;
  } catch {
    status = null;
  }
  return {
    id: p.id, state: stale ? "stale" : p.status, online, stale, lastSeen: p.last_seen_ms, lastMeasurement: p.last_measurement_ms,
    queueDepth: p.queue_depth, dropped: p.dropped, rejected: Number(p.rejected), reports: Number(p.reports), lastSeq: p.last_seq,
    capabilities: caps.map((c) => c.label ?? ""), status,
  };
}

const probeParam = { type: "object", required: ["id"], properties: { id: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" } } } as const;

export async function buildHttp(c: Collector): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } } });

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err instanceof ControlError || err instanceof HttpError) return reply.status(err.status).send({ error: err.message, field: err.field });
    if (err.validation) {
      const v = err.validation[0];
      const field = (v.instancePath || "").replace(/^\//, "") || (v.params as { missingProperty?: string }).missingProperty || undefined;
      return reply.status(400).send({ error: `${err.validationContext ?? "request"}${field ? "." + field : ""} ${v.message ?? "is invalid"}`, field });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    return reply.status(status).send({ error: err.message });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: "no such resource: " + req.method + " " + req.url }));

  const auth = async (req: FastifyRequest, reply: FastifyReply) => {
    const token = c.config.apiToken;
    if (token === undefined) return;
    if (req.headers.authorization !== "Bearer " + token) return reply.status(401).send({ error: "missing or wrong bearer token (--api-token)" });
  };

  app.get("/healthz", async (_req, reply) => {
    try {
      await c.store.db.query("SELECT 1 AS one");
      return { ok: true, store: c.store.db.dialect, broker: c.broker.url, pending: c.ingest.pending };
    } catch (e) {
      return reply.status(503).send({ ok: false, error: "database: " + (e as Error).message });
    }
  });

  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", c.metrics.registry.contentType);
    return c.metrics.registry.metrics();
  });

  app.get("/registry/miniprobe.json", async () => c.registryDocument);

  app.get("/api/probes", { preHandler: auth }, async () => {
    const now = Date.now();
    const active = await c.store.specs({ limit: 10000, state: undefined });
    return { probes: (await c.store.probes()).map((p) => probeView(p, active, now)) };
  });

  app.get<{ Params: { id: string } }>("/api/probes/:id", { preHandler: auth, schema: { params: probeParam } }, async (req) => {
    const p = await c.store.probe(req.params.id);
    if (p === undefined) throw new HttpError(404, "no such probe", "id");
    const now = Date.now();
    const active = await c.store.specs({ probe: p.id, limit: 1000 });
    return {
      ...probeView(p, active, now),
      capabilities: capabilitiesOf(p.capabilities_json).map((cap) => ({ label: cap.label, schema: capabilitySchema(cap), when: cap.when, parameters: cap.parameters, results: cap.results })),
      rejections: (await c.store.rejections(p.id)).map((r) => ({ reason: r.reason, count: Number(r.count), last: r.last_ms, detail: r.last_detail })),
    };
  });

  app.get<{ Params: { id: string } }>("/api/probes/:id/capabilities", { preHandler: auth, schema: { params: probeParam } }, async (req, reply) => {
    const p = await c.store.probe(req.params.id);
    if (p === undefined || p.capabilities_json === null) throw new HttpError(404, "no capabilities from this probe", "id");
    reply.header("content-type", "application/json; charset=utf-8");
    return p.capabilities_json;
  });

  app.post<{ Body: { id: string } }>("/api/probes", {
    preHandler: auth,
    schema: { body: { type: "object", required: ["id"], additionalProperties: false, properties: { id: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" } } } },
  }, async (req, reply) => {
    const id = req.body.id;
    if (!validProbeId(id)) throw new HttpError(400, "not a probe id", "id");
    const password = newPassword();
    await c.credentials.add(id, password);
    return reply.status(201).send(c.probeConfig(id, password));
  });

  app.get<{ Querystring: { probe?: string; state?: string; limit: number } }>("/api/specifications", {
    preHandler: auth,
    schema: { querystring: { type: "object", additionalProperties: false, properties: { probe: { type: "string" }, state: { type: "string" }, limit: { type: "integer", minimum: 1, maximum: 10000, default: 100 } } } },
  }, async (req) => {
    const now = Date.now();
    return { specifications: (await c.store.specs(req.query)).map((s) => specView(s, now)) };
  });

  app.get<{ Params: { token: string } }>("/api/specifications/:token", {
    preHandler: auth, schema: { params: { type: "object", properties: { token: { type: "string", pattern: "^[0-9a-f]{1,64}$" } } } },
  }, async (req) => {
    const s = await c.store.spec(req.params.token);
    if (s === undefined) throw new HttpError(404, "no such specification", "token");
    return { ...specView(s, Date.now()), specification: JSON.parse(s.spec_json) as unknown };
  });

  app.post<{ Body: { probe: string; capability: string; parameters?: Record<string, string>; when?: string; results?: string[] } }>("/api/specifications", {
    preHandler: auth,
    schema: {
      body: {
        type: "object", required: ["probe", "capability"], additionalProperties: false,
        properties: {
          probe: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" },
          capability: { type: "string", minLength: 1, maxLength: 4000 },
          parameters: { type: "object", additionalProperties: { type: "string", maxLength: 4000 }, maxProperties: 64 },
          when: { type: "string", minLength: 1, maxLength: 200 },
          results: { type: "array", items: { type: "string" }, maxItems: 256 },
        },
      },
    },
  }, async (req, reply) => {
    const b = req.body;
    const s = await c.control.submit({ probe: b.probe, capability: b.capability, parameters: b.parameters ?? {}, when: b.when, results: b.results });
    return reply.status(201).send(specView(s, Date.now()));
  });

  app.post<{ Params: { token: string } }>("/api/specifications/:token/interrupt", {
    preHandler: auth, schema: { params: { type: "object", properties: { token: { type: "string", pattern: "^[0-9a-f]{1,64}$" } } } },
  }, async (req) => specView(await c.control.interrupt(req.params.token), Date.now()));

  app.get<{ Querystring: { probe?: string; label?: string; schema?: string; token?: string; since?: string; until?: string; limit: number; cursor?: string; order: "asc" | "desc"; format: "json" | "csv" | "mplane" } }>("/api/results", {
    preHandler: auth,
    schema: {
      querystring: {
        type: "object", additionalProperties: false,
        properties: {
          probe: { type: "string" }, label: { type: "string" }, schema: { type: "string" }, token: { type: "string" },
          since: { type: "string" }, until: { type: "string" },
          limit: { type: "integer", minimum: 1, maximum: 10000, default: 500 },
          cursor: { type: "string", maxLength: 400 },
          order: { type: "string", enum: ["asc", "desc"], default: "desc" },
          format: { type: "string", enum: ["json", "csv", "mplane"], default: "json" },
        },
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const time = (v: string | undefined, field: string) => {
      if (v === undefined) return undefined;
      try {
        return parseTimeParam(v);
      } catch (e) {
        throw new HttpError(400, (e as Error).message, field);
      }
    };
    let after: [number, string, number, number] | undefined;
    if (q.cursor !== undefined) {
      try {
        const v = JSON.parse(Buffer.from(q.cursor, "base64url").toString("utf8")) as unknown;
        if (!Array.isArray(v) || v.length !== 4 || typeof v[0] !== "number" || typeof v[1] !== "string" || typeof v[2] !== "number" || typeof v[3] !== "number") throw new Error();
        after = v as [number, string, number, number];
      } catch {
        throw new HttpError(400, "not a cursor from a previous page", "cursor");
      }
    }
    const rows = apiRows(await c.metrics.time("query_results", () => c.store.results({
      probe: q.probe, label: q.label, schema: q.schema, token: q.token, sinceMs: time(q.since, "since"), untilMs: time(q.until, "until"),
      limit: q.limit, order: q.order, after,
    })));
    const last = rows[rows.length - 1];
    const next = rows.length === q.limit && last ? Buffer.from(JSON.stringify([last.time, last.probe, last.seq, last.row])).toString("base64url") : null;
    if (next !== null) reply.header("x-next-cursor", next);
    if (q.format === "csv") {
      reply.header("content-type", "text/csv; charset=utf-8");
      return toCsv(rows);
    }
    if (q.format === "mplane") {
      reply.header("content-type", "application/json; charset=utf-8");
      return toMplane(rows, c.store, c.registry);
    }
    return { results: rows, next };
  });

  app.get("/", async (_req, reply) => reply.redirect("/dashboard/"));
  const serve = (root: string) => async (req: FastifyRequest<{ Params: { "*": string } }>, reply: FastifyReply) => {
    const rel = normalize(req.params["*"] || "index.html");
    if (rel.startsWith("..") || rel.includes("\0")) throw new HttpError(400, "bad path", "path");
    const file = join(root, rel);
    const ext = file.slice(file.lastIndexOf("."));
    try {
      const body = await readFile(file);
      reply.header("content-type", MIME[ext] ?? "application/octet-stream");
      return body;
    } catch {
      throw new HttpError(404, "no such file: " + rel, "path");
    }
  };
  app.get("/dashboard/*", serve(DASHBOARD));
  app.get("/vendor/uplot/*", serve(UPLOT));
  return app;
}
