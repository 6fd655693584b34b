// IP address reading and canonical writing (RFC 5952 for IPv6), without regexes or
// bitwise operators. Used to validate targets before any tool sees them.
import { fmtNum, parseNatural } from "./num";

const HEXD = "0123456789abcdef";

/** IPv4 dotted quad to its four octets, or undefined. No leading zeros ("010" is ambiguous). */
export function parseIp4(s: string): number[] | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return undefined;
    if (p.length > 1 && p.substring(0, 1) === "0") return undefined;
    const v = parseNatural(p);
    if (v === undefined || v > 255) return undefined;
    out.push(v);
  }
  return out;
}

function hexGroup(g: string): number | undefined {
  if (g.length === 0 || g.length > 4) return undefined;
  let v = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i);
    let d = -1;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    if (d < 0) return undefined;
    v = v * 16 + d;
  }
  return v;
}

/** IPv6 text (with "::" and an optional trailing dotted quad) to eight 16-bit groups. */
export function parseIp6(s: string): number[] | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  const dbl = s.indexOf("::");
  if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return undefined;
  const readSide = (text: string, allowV4: boolean): number[] | undefined => {
    if (text.length === 0) return [];
    const groups = text.split(":");
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (allowV4 && i === groups.length - 1 && g.indexOf(".") >= 0) {
        const v4 = parseIp4(g);
        if (v4 === undefined) return undefined;
        out.push(v4[0] * 256 + v4[1]);
        out.push(v4[2] * 256 + v4[3]);
      } else {
        const v = hexGroup(g);
        if (v === undefined) return undefined;
        out.push(v);
      }
    }
    return out;
  };
  if (dbl < 0) {
    const all = readSide(s, true);
    if (all === undefined || all.length !== 8) return undefined;
    return all;
  }
  const head = readSide(s.substring(0, dbl), false);
  const tail = readSide(s.substring(dbl + 2), true);
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  const out: number[] = [];
  for (const v of head) out.push(v);
  for (let i = 0; i < missing; i++) out.push(0);
  for (const v of tail) out.push(v);
  return out;
}

function groupHex(v: number): string {
  if (v === 0) return "0";
  let s = "";
  let x = v;
  while (x > 0) {
    const d = x - Math.floor(x / 16) * 16;
    s = HEXD.substring(d, d + 1) + s;
    x = Math.floor(x / 16);
  }
  return s;
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run (>1) of zero groups as "::". */
export function formatIp6(g: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  let i = 0;
  while (i < 8) {
    if (g[i] === 0) {
      let j = i;
      while (j < 8 && g[j] === 0) j = j + 1;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    } else {
      i = i + 1;
    }
  }
  if (bestLen < 2) bestStart = -1;
  const parts: string[] = [];
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) {
      parts.push(k === 0 ? ":" : "");
      k = k + bestLen - 1;
      if (k === 7) parts.push("");
    } else {
      parts.push(groupHex(g[k]));
    }
  }
  return parts.join(":");
}

export function formatIp4(o: number[]): string {
  return fmtNum(o[0]) + "." + fmtNum(o[1]) + "." + fmtNum(o[2]) + "." + fmtNum(o[3]);
}

/** Canonical text of an IPv4 or IPv6 address, or undefined when it is neither. */
export function canonicalAddress(s: string): string | undefined {
  const v4 = parseIp4(s);
  if (v4 !== undefined) return formatIp4(v4);
  const v6 = parseIp6(s);
  if (v6 !== undefined) return formatIp6(v6);
  return undefined;
}

/** Numeric key for ordering addresses of one family (IPv4 as a number, IPv6 as hex text). */
export function addressOrderKey(s: string): number | string | undefined {
  const v4 = parseIp4(s);
  if (v4 !== undefined) return ((v4[0] * 256 + v4[1]) * 256 + v4[2]) * 256 + v4[3];
  const v6 = parseIp6(s);
  if (v6 === undefined) return undefined;
  let out = "";
  for (const g of v6) {
    let h = groupHex(g);
    while (h.length < 4) h = "0" + h;
    out = out + h;
  }
  return out;
}

/**
 * A DNS host name (RFC 1123 labels: letters, digits, hyphens, not starting with "-").
 * Rejects anything a tool could read as an option or a shell could read as syntax.
 */
export function isHostName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = s.split(".");
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l.length === 0) {
      if (i === labels.length - 1 && i > 0) break;
      return false;
    }
    if (l.length > 63) return false;
    for (let k = 0; k < l.length; k++) {
      const c = l.charCodeAt(k);
      const ok = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c === 45 && k > 0 && k < l.length - 1);
      if (!ok) return false;
    }
  }
  return !looksNumeric(labels);
}

function allDigits(l: string): boolean {
  if (l.length === 0) return false;
  for (let k = 0; k < l.length; k++) {
    const c = l.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isHexNumber(l: string): boolean {
  if (l.length < 2 || l.substring(0, 1) !== "0" || (l.substring(1, 2) !== "x" && l.substring(1, 2) !== "X")) return false;
  for (let k = 2; k < l.length; k++) {
    const c = l.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/**
 * A name the resolver would read as an address: an all-numeric top label (RFC 3696 §2;
 * RFC 1123 §2.1: a name never has the dotted-decimal form), or labels that are all numbers
 * in the decimal, octal or hex forms inet_aton accepts ("2130706433", "0x7f000001",
 * "0177.0.0.1", "127.1").
 */
function looksNumeric(labels: string[]): boolean {
  let n = labels.length;
  if (n > 1 && labels[n - 1].length === 0) n = n - 1;
  if (allDigits(labels[n - 1])) return true;
  for (let i = 0; i < n; i++) if (!allDigits(labels[i]) && !isHexNumber(labels[i])) return false;
  return true;
}

/**
 * Why an IPv6 destination cannot be measured by the device's tools, or undefined when it
 * can: the unspecified address, IPv4-mapped (::ffff:a.b.c.d — traceroute6 refuses it, ping6
 * never gets a reply) and IPv4-compatible (::a.b.c.d, deprecated) forms — give
 * destination.ip4 instead —, link-local (fe80::/10: needs an interface, which a
 * specification cannot name) and multicast (ff00::/8). Loopback ::1, ULA and global
 * unicast addresses are measured.
 */
export function ip6DestinationProblem(g: number[]): string | undefined {
  let zeros5 = true;
  for (let i = 0; i < 5; i++) if (g[i] !== 0) zeros5 = false;
  if (zeros5 && g[5] === 65535) return "an IPv4-mapped address: give destination.ip4";
  if (zeros5 && g[5] === 0) {
    if (g[6] === 0 && g[7] === 0) return "the unspecified address";
    if (g[6] === 0 && g[7] === 1) return undefined;
    return "an IPv4-compatible address (deprecated): give destination.ip4";
  }
  if (g[0] >= 65152 && g[0] <= 65215) return "a link-local address (needs an interface a specification cannot name)";
  if (g[0] >= 65280) return "a multicast address";
  return undefined;
}

/** Why an IPv4 destination cannot be measured, or undefined: 0.0.0.0/8 ("this network") and the limited broadcast. */
export function ip4DestinationProblem(o: number[]): string | undefined {
  if (o[0] === 0) return "in 0.0.0.0/8 (this host on this network), not a destination";
  if (o[0] === 255 && o[1] === 255 && o[2] === 255 && o[3] === 255) return "the limited broadcast address";
  return undefined;
}
