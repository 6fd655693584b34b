/** @noSelfInFile */
// The probe side of the HTTP CPU benchmark (tools/bench/http-cpu.ts), in portable TS so the
// same code runs on Node, qjs and Lua: downloads base+"0.bin" .. base+(count-1)+".bin" one
// after another with host.httpGet, counting bytes only (keepBody false, as segments are),
// then writes "bytes N" (or "error CODE MESSAGE").
import { Host } from "../../core/host";
import { fmtNum, parseNum } from "../../core/util/num";

export function downloadSegments(host: Host, argv: string[], done: (code: number) => void): void {
  const kv: { [k: string]: string } = {};
  for (const a of argv) {
    const eq = a.indexOf("=");
    if (eq > 0) kv[a.substring(0, eq)] = a.substring(eq + 1);
  }
  const base = kv["base"];
  const count = parseNum(kv["count"] !== undefined ? kv["count"] : "");
  const get = host.httpGet;
  if (base === undefined || count === undefined || get === undefined) {
    host.write("error EINVAL usage: base=URL count=N (and a host with httpGet)\n");
    done(2);
    return;
  }
  let i = 0;
  let total = 0;
  const next = (): void => {
    if (i >= count) {
      host.write("bytes " + fmtNum(total) + "\n");
      done(0);
      return;
    }
    const url = base + fmtNum(i) + ".bin";
    i = i + 1;
    get(url, { timeoutMs: 120000, maxBytes: 1000000000, maxRedirects: 0, keepBody: false }, (err, res) => {
      if (err !== undefined || res === undefined) {
        host.write("error " + (err !== undefined ? err.code + " " + err.message : "no result") + "\n");
        done(1);
        return;
      }
      total = total + res.bytes;
      // through a timer: a host that calls back synchronously keeps a flat stack
      host.setTimer(0, next);
    });
  };
  next();
}
