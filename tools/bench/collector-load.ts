// The collector bench's simulated probes, as a process of their own so the collector's
// process is measured, not the load generator. Each probe is one MQTT 3.1.1 connection
// that keeps WINDOW QoS 1 PUBLISHes of pre-encoded reports in flight and sends the next
// when a PUBACK comes back. The packets are written by hand (a PUBLISH is a header and
// the bytes; a PUBACK is 4 bytes) so this side stays cheap next to the broker and the
// collector, and both the raw baseline and the collector see exactly the same load.
//
// Protocol with the parent: argv[2] is the JSON LoadConfig; prints "ready" once every
// probe has its CONNACK, starts on a line "go" on stdin, prints one JSON LoadResult line
// when every report is PUBACKed, then exits.
import { connect, Socket } from "node:net";
import { createInterface } from "node:readline";
import { ReportCodec } from "../collector/report-codec.ts";
import { pingReport } from "../testkit/probe-sim.ts";

export interface LoadConfig {
  host: string;
  port: number;
  probes: number;
  perProbe: number;
  window: number;
  prefix: string;
  /** Measurement times are spread back from here, one second apart. */
  nowMs: number;
  /** Whole run bounded: exit with an error after this long. */
  timeoutMs: number;
}

export interface LoadResult {
  /** From "go" to the last PUBACK. */
  ms: number;
  acked: number;
  payloadBytes: number;
}

export const probeId = (i: number): string => "bench" + i;

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

function str(s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function connectPacket(clientId: string): Buffer {
  // MQTT 3.1.1, clean session, keepalive 120 s.
  const body = Buffer.concat([str("MQTT"), Buffer.from([4, 0x02, 0, 120]), str(clientId)]);
  return Buffer.concat([Buffer.from([0x10]), varint(body.length), body]);
}

/** A QoS 1 PUBLISH with its packet id left at offset `idAt` to fill in per send. */
function publishPacket(topic: string, payload: Uint8Array): { buf: Buffer; idAt: number } {
  const t = str(topic);
  const rest = t.length + 2 + payload.length;
  const head = Buffer.concat([Buffer.from([0x32]), varint(rest)]);
  const buf = Buffer.concat([head, t, Buffer.alloc(2), payload]);
  return { buf, idAt: head.length + t.length };
}

/** Calls onPacket(type) for every whole MQTT packet read from the socket. */
function packets(sock: Socket, onPacket: (type: number, body: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  sock.on("data", (chunk: Buffer) => {
    let buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (buf.length < 2) break;
      let len = 0;
      let mul = 1;
      let i = 1;
      for (; i < 5 && i < buf.length; i++) {
        len += (buf[i] & 0x7f) * mul;
        mul *= 128;
        if ((buf[i] & 0x80) === 0) break;
      }
      if (i >= buf.length || (buf[i] & 0x80) !== 0) break;
      const end = i + 1 + len;
      if (buf.length < end) break;
      onPacket(buf[0] >> 4, buf.subarray(i + 1, end));
      buf = buf.subarray(end);
    }
    pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
  });
}

class Probe {
  private next = 0;
  private acked = 0;
  private inflight = 0;
  readonly sock: Socket;
  onDone: () => void = () => undefined;

  constructor(cfg: LoadConfig, readonly id: string, private readonly msgs: { buf: Buffer; idAt: number }[], private readonly window: number, ready: (e?: Error) => void) {
    this.sock = connect({ host: cfg.host, port: cfg.port, noDelay: true });
    this.sock.once("error", (e) => ready(e));
    this.sock.once("connect", () => this.sock.write(connectPacket(id)));
    packets(this.sock, (type, body) => {
      if (type === 2) {
        if (body[1] !== 0) ready(new Error(`${id}: CONNACK return code ${body[1]}`));
        else ready();
      } else if (type === 4) {
        this.acked++;
        this.inflight--;
        if (this.acked === this.msgs.length) this.onDone();
        else this.fill();
      }
    });
  }

  /** Tops the window up; packet ids are the message index + 1 (< 65536 per probe). */
  fill(): void {
    if (this.inflight >= this.window || this.next >= this.msgs.length) return;
    this.sock.cork();
    while (this.inflight < this.window && this.next < this.msgs.length) {
      const m = this.msgs[this.next];
      m.buf.writeUInt16BE((this.next % 65535) + 1, m.idAt);
      this.sock.write(m.buf);
      this.next++;
      this.inflight++;
    }
    this.sock.uncork();
  }

  end(): void {
    this.sock.end(Buffer.from([0xe0, 0]));
  }
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]) as LoadConfig;
  const killer = setTimeout(() => {
    process.stderr.write(`collector-load: not done within ${cfg.timeoutMs} ms\n`);
    process.exit(2);
  }, cfg.timeoutMs);
  const codec = ReportCodec.loadSync();
  let bytes = 0;
  const all = Array.from({ length: cfg.probes }, (_, i) => Array.from({ length: cfg.perProbe }, (_, k) => {
    const id = probeId(i);
    const payload = codec.encode({ ...pingReport(id, "ab".repeat(16), cfg.nowMs - (cfg.perProbe - k) * 1000), seq: k + 1 });
    bytes = payload.length;
    return publishPacket(`${cfg.prefix}/${id}/result`, payload);
  }));
  const probes: Probe[] = [];
  await Promise.all(all.map((msgs, i) => new Promise<void>((resolve, reject) => {
    probes.push(new Probe(cfg, probeId(i), msgs, cfg.window, (e) => (e ? reject(e) : resolve())));
  })));
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  const t0 = performance.now();
  let left = probes.length;
  await new Promise<void>((resolve) => {
    for (const p of probes) {
      p.onDone = () => {
        if (--left === 0) resolve();
      };
      p.fill();
    }
  });
  const result: LoadResult = { ms: performance.now() - t0, acked: cfg.probes * cfg.perProbe, payloadBytes: bytes };
  process.stdout.write(JSON.stringify(result) + "\n");
  for (const p of probes) p.end();
  clearTimeout(killer);
  lines.close();
}

main().catch((e: Error) => {
  process.stderr.write("collector-load: " + e.message + "\n");
  process.exit(1);
});
