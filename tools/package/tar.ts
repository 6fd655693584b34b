// A deterministic ustar writer: the same entries give the same bytes (fixed owner root:root,
// fixed mtime, entries in the order given), which is what makes the .ipk reproducible.

export interface TarEntry {
  /** "./usr/bin/miniprobe"; directories end with "/". */
  path: string;
  mode: number;
  data?: Buffer;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function header(e: TarEntry, mtime: number): Buffer {
  const h = Buffer.alloc(512, 0);
  const isDir = e.path.endsWith("/");
  const name = Buffer.from(e.path, "utf8");
  if (name.length > 100) {
    // ustar splits long names into prefix (155) + name (100) at a "/".
    const cut = e.path.lastIndexOf("/", e.path.length - 2);
    if (cut < 0 || cut > 155 || e.path.length - cut - 1 > 100) throw new Error(`tar: path too long: ${e.path}`);
    h.write(e.path.slice(cut + 1), 0, "utf8");
    h.write(e.path.slice(0, cut), 345, "utf8");
  } else name.copy(h, 0);
  h.write(octal(e.mode & 0o7777, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(isDir ? 0 : e.data?.length ?? 0, 12), 124, "ascii");
  h.write(octal(mtime, 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write(isDir ? "5" : "0", 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write("root", 265, "ascii");
  h.write("root", 297, "ascii");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  return h;
}

export function tar(entries: TarEntry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e, mtime));
    if (!e.path.endsWith("/") && e.data && e.data.length > 0) {
      parts.push(e.data);
      const pad = (512 - (e.data.length % 512)) % 512;
      if (pad > 0) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

/** Reads a ustar archive back (for tests and for unpacking the way opkg does). */
export function untar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let off = 0;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const str = (a: number, n: number) => h.subarray(a, a + n).toString("utf8").replace(/\0.*$/s, "");
    const prefix = str(345, 155);
    const name = (prefix ? prefix + "/" : "") + str(0, 100);
    const mode = parseInt(str(100, 8), 8);
    const size = parseInt(str(124, 12), 8);
    const type = str(156, 1);
    off += 512;
    const data = buf.subarray(off, off + size);
    off += Math.ceil(size / 512) * 512;
    out.push(type === "5" ? { path: name.endsWith("/") ? name : name + "/", mode } : { path: name, mode, data: Buffer.from(data) });
  }
  return out;
}
