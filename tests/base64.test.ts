// core/util/base64 against Node's own base64 and a per-byte Adler-32, on inputs longer than
// the block the checksum folds its sums in (5552 bytes) and of every length mod 3.
import test from "ava";
import { adler32, base64Decode, base64Encode } from "../core/util/base64.ts";

function bytes(n: number, seed: number): string {
  let x = seed;
  let s = "";
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += String.fromCharCode(i % 7 === 0 ? 255 : x % 256);
  }
  return s;
}

function adlerReference(s: string): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    a = (a + s.charCodeAt(i)) % 65521;
    b = (b + a) % 65521;
  }
  return b * 65536 + a;
}

test("base64 and Adler-32 agree with the references on long and odd-sized inputs", (t) => {
  for (const n of [0, 1, 2, 3, 4, 5551, 5552, 5553, 11105, 40000]) {
    const s = bytes(n, n + 1);
    const b64 = Buffer.from(s, "latin1").toString("base64");
    t.is(base64Encode(s), b64, `encode ${n}`);
    t.is(base64Decode(b64), s, `decode ${n}`);
    t.is(adler32(s), adlerReference(s), `adler32 ${n}`);
  }
  t.is(adler32(String.fromCharCode(255).repeat(100000)), adlerReference(String.fromCharCode(255).repeat(100000)), "all 0xff, the sums' worst case");
  t.throws(() => base64Decode("ab=c"), { message: /bad padding|padding/ });
  t.throws(() => base64Decode("ab\u00e9c"), { message: /not a base64 character/ });
});
