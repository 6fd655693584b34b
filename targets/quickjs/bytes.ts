// Bytes and strings in the QuickJS host. Pipes and files give bytes (ArrayBuffer); the Host
// interface speaks UTF-8 text (process output, bodies, files) or byte strings (streams,
// spawn stdout: one char per byte, 0-255, as Latin-1). qjs keeps such strings 8 bits wide,
// so a byte string costs one byte per byte.

const BLOCK = 8192; // arguments per String.fromCharCode.apply call (stack-safe)

/** Bytes to a byte string (char code = byte value). */
export function bytesToLatin1(b: Uint8Array): string {
  if (b.length <= BLOCK) return String.fromCharCode.apply(null, b as unknown as number[]);
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += BLOCK) {
    parts.push(String.fromCharCode.apply(null, b.subarray(i, i + BLOCK) as unknown as number[]));
  }
  return parts.join("");
}

/** A byte string to bytes; chars above 0xff keep their low byte (callers pass bytes). */
export function latin1ToBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/** Text to its UTF-8 bytes; a lone surrogate becomes U+FFFD (as Node's encoder does). */
export function utf8Encode(s: string): Uint8Array {
  let bin: string;
  try {
    bin = unescape(encodeURIComponent(s));
  } catch (e) {
    bin = unescape(encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/g, (m) => (m.length === 2 ? m[0] : "") + "\ufffd")));
  }
  return latin1ToBytes(bin);
}

/** UTF-8 bytes to a string; malformed sequences become U+FFFD (as Node's decoder does). */
export function utf8Decode(b: Uint8Array): string {
  // Fast path through qjs's native code (escape + decodeURIComponent decode UTF-8); it
  // throws on malformed input, which then takes the byte-by-byte path below.
  const bin = bytesToLatin1(b);
  try {
    return decodeURIComponent(escape(bin));
  } catch (e) {
    return utf8DecodeSlow(b);
  }
}

function utf8DecodeSlow(b: Uint8Array): string {
  const units: number[] = [];
  const parts: string[] = [];
  const flush = () => {
    parts.push(String.fromCharCode.apply(null, units));
    units.length = 0;
  };
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let cp = 0xfffd;
    let len = 1;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c < 0xe0 && i + 1 < b.length && (b[i + 1] & 0xc0) === 0x80) {
      cp = ((c & 0x1f) << 6) | (b[i + 1] & 0x3f);
      len = 2;
    } else if (c >= 0xe0 && c < 0xf0 && i + 2 < b.length && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80) {
      cp = ((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
      len = 3;
      if (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)) {
        cp = 0xfffd;
        len = 1;
      }
    } else if (c >= 0xf0 && c < 0xf5 && i + 3 < b.length && (b[i + 1] & 0xc0) === 0x80 && (b[i + 2] & 0xc0) === 0x80 && (b[i + 3] & 0xc0) === 0x80) {
      cp = ((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
      len = 4;
      if (cp < 0x10000 || cp > 0x10ffff) {
        cp = 0xfffd;
        len = 1;
      }
    }
    if (len === 1 && c >= 0xc2 && c <= 0xf4) {
      // a sequence cut short: the lead byte and its continuation bytes make one U+FFFD
      const need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
      let j = 1;
      while (j <= need && i + j < b.length && (b[i + j] & 0xc0) === 0x80) j++;
      if (j <= need) len = j;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    i += len;
    if (units.length >= 8192) flush();
  }
  flush();
  return parts.join("");
}

export function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

