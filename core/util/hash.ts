// A deterministic 128-bit (32 hex digit) digest for mPlane tokens, computed with plain
// arithmetic because Lua 5.1 has no bitwise operators. Not cryptographic: tokens only
// need to be stable and distinct, as in the reference implementation.

const HEXD = "0123456789abcdef";
const M32 = 4294967296;

/** (a * b) mod 2^32 exactly, splitting b so no product exceeds 2^53. */
function mulMod32(a: number, b: number): number {
  const bHi = Math.floor(b / 65536);
  const bLo = b - bHi * 65536;
  const hi = (a * bHi) - Math.floor((a * bHi) / 65536) * 65536;
  const r = hi * 65536 + a * bLo;
  return r - Math.floor(r / M32) * M32;
}

function hex8(v: number): string {
  let s = "";
  let x = v;
  for (let i = 0; i < 8; i++) {
    const d = x - Math.floor(x / 16) * 16;
    s = HEXD.substring(d, d + 1) + s;
    x = Math.floor(x / 16);
  }
  return s;
}

/** Four independent multiplicative hashes over the bytes (code units) of `text`. */
export function digest128(text: string): string {
  const seeds = [2166136261, 3735928559, 2654435761, 1597334677];
  const mults = [16777619, 2246822519, 3266489917, 668265263];
  let out = "";
  for (let k = 0; k < 4; k++) {
    let h = seeds[k];
    const m = mults[k];
    for (let i = 0; i < text.length; i++) {
      h = mulMod32(h + text.charCodeAt(i) + k, m);
      h = h - Math.floor(h / M32) * M32;
      // fold the high half down so every input byte reaches every output digit
      h = mulMod32(h + Math.floor(h / 65536) + 1, m);
    }
    h = mulMod32(h + text.length, mults[(k + 1) - Math.floor((k + 1) / 4) * 4]);
    out = out + hex8(h);
  }
  return out;
}
