// Text from code points. Strings are UTF-16 code units in JS and bytes in Lua; both
// runtimes must produce the same bytes on output, so a code point becomes a UTF-16 unit
// (or surrogate pair) in JS and its UTF-8 bytes in Lua.

// "\u00e9" is one unit in UTF-16 runtimes and two bytes where strings are bytes (Lua).
// This asks how strings are stored, not which platform this is.
export const BYTE_STRINGS = "\u00e9".length === 2;

/** The text of one Unicode code point, in this runtime's string representation. */
export function codePointText(cp: number): string {
  if (!BYTE_STRINGS) {
    if (cp < 0x10000) return String.fromCharCode(cp);
    const v = cp - 0x10000;
    return String.fromCharCode(0xd800 + Math.floor(v / 1024), 0xdc00 + (v - Math.floor(v / 1024) * 1024));
  }
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 + Math.floor(cp / 64), 0x80 + (cp - Math.floor(cp / 64) * 64));
  if (cp < 0x10000) {
    return String.fromCharCode(
      0xe0 + Math.floor(cp / 4096),
      0x80 + (Math.floor(cp / 64) - Math.floor(cp / 4096) * 64),
      0x80 + (cp - Math.floor(cp / 64) * 64),
    );
  }
  return String.fromCharCode(
    0xf0 + Math.floor(cp / 262144),
    0x80 + (Math.floor(cp / 4096) - Math.floor(cp / 262144) * 64),
    0x80 + (Math.floor(cp / 64) - Math.floor(cp / 4096) * 64),
    0x80 + (cp - Math.floor(cp / 64) * 64),
  );
}
