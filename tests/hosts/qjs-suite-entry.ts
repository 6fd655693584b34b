// QuickJS entry of the host conformance suite: creates the real QuickJS host, reads the
// config from the command line (key=value arguments), runs the suite, prints one line per
// check and exits. Bundled by tools/testkit/qjs-suite-config.ts, run by quickjs-host.test.ts:
//   qjs .cache/hostsuite/qjs-suite.js httpBase=http://127.0.0.1:P tmpDir=/tmp/x echoPort=Q [httpBase6=...] [stdin=TEXT]
// QuickJS-only checks (one line of JSON on stdout), with mode=:
//   mode=info                             info.connect / info.tls, whether connect exists
//   mode=read path=P max=N                fs.read(P, N): error code, length, RSS after
//   mode=echo host=H port=P [tls=1 caFile=F servername=S]
//                                         connect, send every byte value, compare the echo
//   mode=stream-cost port=P bytes=N       connect to an echo server: ms to connect, ms to echo N bytes
//   mode=download url=U count=N [keep=1]  N sequential httpGet of U (body counted, or kept): bytes, ms
//   mode=hold arg=A [handler=1]           spawns `sleep A`, prints {"ready":pid}; with handler=1 a
//                                         signal prints {"signal":NAME} and exits 0 (host.exit kills the sleep)
import { args, createHost } from "../../targets/quickjs/host";
import { runHostSuite, suiteConfigFromArgs } from "./host-suite";
import type { Host, Stream } from "../../core/host";

const host = createHost({ probeId: "hostsuite" });
const argv = args();
const kv: { [k: string]: string } = {};
for (const a of argv) {
  const eq = a.indexOf("=");
  if (eq > 0) kv[a.slice(0, eq)] = a.slice(eq + 1);
}

function done(o: object): void {
  host.write(JSON.stringify(o) + "\n");
  host.exit(0);
}

function allBytes(): string {
  let s = "";
  for (let i = 0; i < 256; i++) s += String.fromCharCode(i);
  return s + "\r\n\r\n\0\0\0" + s.split("").reverse().join("");
}

/** Connects, writes `payload` (in 4 writes), waits until as many bytes came back. */
function echo(h: Host, payload: string, cb: (o: { [k: string]: unknown }) => void): void {
  const t0 = h.mono();
  h.connect!(kv["host"] ?? "127.0.0.1", Number(kv["port"]), {
    timeoutMs: 5000,
    tls: kv["tls"] === "1",
    caFile: kv["caFile"],
    servername: kv["servername"],
  }, (err, s: Stream | undefined) => {
    if (err !== undefined || s === undefined) return cb({ error: err?.code, message: err?.message });
    const connectMs = h.mono() - t0;
    const got: string[] = [];
    let size = 0;
    const t1 = h.mono();
    const timer = h.setTimer(20000, () => cb({ error: "stuck", got: size }));
    s.onData((d) => {
      got.push(d);
      size += d.length;
      if (size >= payload.length) {
        h.clearTimer(timer);
        const echoMs = h.mono() - t1;
        s.close();
        cb({ same: got.join("") === payload, got: size, connectMs, echoMs });
      }
    });
    const q = Math.ceil(payload.length / 4);
    for (let i = 0; i < 4; i++) s.write(payload.slice(i * q, (i + 1) * q), () => undefined);
  });
}

if (kv["mode"] === "info") {
  done({ connect: host.info.connect ?? null, tls: host.info.tls ?? null, hasConnect: host.connect !== undefined });
} else if (kv["mode"] === "read") {
  host.fs.read(kv["path"], (e, text) => {
    const m = host.memory!();
    host.fs.read("/proc/self/status", (_e, st) => {
      const i = st === undefined ? -1 : st.indexOf("VmHWM:");
      const hwmKb = i < 0 ? null : parseInt(st!.slice(i + 6), 10);
      done({ error: e?.code ?? null, length: text === undefined ? null : text.length, rssKb: m.rssKb ?? null, hwmKb });
    });
  }, Number(kv["max"]));
} else if (kv["mode"] === "echo") {
  if (host.connect === undefined) done({ error: "absent" });
  else echo(host, allBytes(), (o) => done({ ...o, helper: host.info.connect, tlsHelper: host.info.tls }));
} else if (kv["mode"] === "stream-cost") {
  const n = Number(kv["bytes"]);
  const block = allBytes();
  const payload = new Array(Math.ceil(n / block.length) + 1).fill(block).join("").slice(0, n);
  echo(host, payload, done);
} else if (kv["mode"] === "download") {
  const count = Number(kv["count"]);
  let i = 0;
  let bytes = 0;
  const t0 = host.mono();
  const next = (): void => {
    if (i++ >= count) return done({ bytes, ms: host.mono() - t0 });
    host.httpGet!(kv["url"], { timeoutMs: 60000, maxBytes: 1e9, maxRedirects: 0, keepBody: kv["keep"] === "1" }, (e, r) => {
      if (e !== undefined || r === undefined) return done({ error: e?.code, message: e?.message });
      bytes += r.bytes;
      next();
    });
  };
  next();
} else if (kv["mode"] === "hold") {
  if (kv["handler"] === "1") host.onSignal!((sig) => done({ signal: sig }));
  host.spawn!(["sleep", kv["arg"]], { onExit: () => undefined }, (e, p) => {
    host.write(JSON.stringify(e !== undefined || p === undefined ? { error: e?.code } : { ready: p.pid }) + "\n");
  });
} else {
  const cfg = suiteConfigFromArgs(argv);
  if (cfg === undefined) {
    host.log("error", "usage: qjs-suite.js httpBase=URL tmpDir=DIR echoPort=N [httpBase6=URL] [stdin=TEXT] | mode=...");
    host.exit(2);
  } else {
    runHostSuite(host, cfg, (lines) => {
      for (const l of lines) host.write(l + "\n");
      host.exit(0);
    });
  }
}
