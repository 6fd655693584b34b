// iputils tracepath:
//   " 1?: [LOCALHOST]                      pmtu 1500"
//   " 1:  10.99.1.1                                            10.622ms "
//   " 2:  no reply"
//   " 3:  10.0.0.1                  12.3ms asymm  5"
//   " 4:  10.99.3.2                                            40.974ms reached"
//   "     Resume: pmtu 1500 hops 4 back 4 "     ("Too many hops: pmtu 1500" at the limit)
// tracepath prints hop 1 twice (it probes the first hop again after learning the path MTU);
// repeated TTLs are merged into one hop. The [LOCALHOST] line is not a hop.
import { ProbeError } from "../../util/errors";
import { addProbe, distinctAddrs, hopFor, lineTtl } from "./common";
import { Trace, TraceProbe } from "./types";
import { endsWith, isAddr, isBlank, msTextToUs, natural, splitLines, startsWith, words } from "../../tools/text";

function afterWord(w: string[], key: string): number | undefined {
  for (let i = 0; i + 1 < w.length; i++) if (w[i] === key) return natural(w[i + 1]);
  return undefined;
}

/**
 * tracepath never prints the destination: pass `dst` (what was traced) to have it in the
 * record; without it dst/dstAddr come from the probe that "reached".
 */
export function parseTracepath(text: string, dst?: string): Trace {
  if (isBlank(text)) throw new ProbeError("EEMPTY", "tracepath printed nothing");
  const t: Trace = { tool: "tracepath", dst: "", hops: [], hopAddrs: [], reached: false, haltReason: "unknown" };
  if (dst !== undefined && dst !== "") {
    t.dst = dst;
    if (isAddr(dst)) t.dstAddr = dst;
  }
  let seen = false;
  let tooMany = false;
  for (const raw of splitLines(text)) {
    const line = raw.trim();
    if (line === "") continue;
    const w = words(line);
    if (startsWith(line, "Resume:") || startsWith(line, "Too many hops")) {
      const pmtu = afterWord(w, "pmtu");
      if (pmtu !== undefined) t.pmtu = pmtu;
      const back = afterWord(w, "back");
      if (back !== undefined) t.backHops = back;
      if (startsWith(line, "Too many hops")) tooMany = true;
      seen = true;
      continue;
    }
    if (!endsWith(w[0], ":")) continue;
    const ttl = lineTtl(w[0]);
    if (ttl === undefined) continue;
    if (w[0].indexOf("?") >= 0 || (w.length > 1 && w[1] === "[LOCALHOST]")) {
      const pmtu = afterWord(w, "pmtu");
      if (pmtu !== undefined && t.pmtu === undefined) t.pmtu = pmtu;
      seen = true;
      continue;
    }
    const hop = hopFor(t, ttl);
    if (hop === undefined) continue;
    seen = true;
    if (w.length >= 3 && w[1] === "no" && w[2] === "reply") {
      addProbe(hop, {});
      continue;
    }
    const p: TraceProbe = {};
    let i = 1;
    while (i < w.length) {
      const tok = w[i];
      const next = i + 1 < w.length ? w[i + 1] : undefined;
      if (endsWith(tok, "ms") && tok.length > 2 && msTextToUs(tok.substring(0, tok.length - 2)) !== undefined) {
        p.rttUs = msTextToUs(tok.substring(0, tok.length - 2));
      } else if (tok === "reached") {
        t.reached = true;
      } else if (tok === "asymm" && next !== undefined) {
        const v = natural(next);
        if (v !== undefined) p.asymm = v;
        i = i + 1;
      } else if (tok === "pmtu" && next !== undefined) {
        const v = natural(next);
        if (v !== undefined) p.pmtu = v;
        i = i + 1;
      } else if (startsWith(tok, "!") && tok.length > 1) {
        if (p.flag === undefined) p.flag = tok;
      } else if (next !== undefined && startsWith(next, "(") && endsWith(next, ")") && isAddr(next.substring(1, next.length - 1))) {
        p.addr = next.substring(1, next.length - 1);
        if (tok !== p.addr) p.name = tok;
        i = i + 1;
      } else if (isAddr(tok) && p.addr === undefined) {
        p.addr = tok;
      }
      i = i + 1;
    }
    addProbe(hop, p);
    if (t.reached && p.addr !== undefined && t.dstAddr === undefined) {
      if (t.dst === "") t.dst = p.addr;
      t.dstAddr = p.addr;
    }
  }
  if (!seen) throw new ProbeError("EPARSE", "no tracepath output recognised");
  t.hopAddrs = distinctAddrs(t.hops);
  let flag: string | undefined;
  if (t.hops.length > 0) {
    for (const p of t.hops[t.hops.length - 1].probes) if (p.flag !== undefined && flag === undefined) flag = p.flag;
  }
  if (t.reached) t.haltReason = "completed";
  else if (flag !== undefined) {
    t.haltReason = "unreachable";
    t.haltFlag = flag;
  } else if (tooMany) t.haltReason = "max-hops";
  return t;
}
