// Reads one queue segment a line at a time through host.fs.readRange, one chunk of the
// file in memory at most (plus one record spanning chunks): however many reports wait,
// the heap holds a chunk, never a segment or a table of its lines.
//
// A position is "`skip` newlines into the chunk read at byte `at`". Chunk starts are byte
// offsets counted from chunks read whole (never from string lengths), and a newline is
// one byte on every host, so a position stays exact even where a corrupted byte made a
// host decode a line into a string of another length.
import { Host } from "../host";
import { fsRead } from "../fs-async";
import { ProbeError } from "../util/errors";
import { MAX_RECORD_BYTES } from "./record";

export interface LinePos {
  at: number;
  skip: number;
}

export interface Line {
  /** The line without its newline; "" for a line too long to be a record. */
  text: string;
  /** Where the line after it starts. */
  next: LinePos;
}

/** "end": no more lines now; "torn": the file ends in a line without its newline. */
export type LineResult = Line | "end" | "torn";

export const CHUNK_BYTES = 32768;

function readChunk(host: Host, path: string, at: number, n: number): Promise<string> {
  const rr = host.fs.readRange;
  if (rr === undefined) {
    // Only a host without readRange: the whole file, cut here (queue lines are ASCII).
    return fsRead(host, path, 67108864).then((all) => all.substring(at, at + n));
  }
  return new Promise<string>((resolve, reject) => {
    rr(path, at, n, (err, v) => {
      if (err !== undefined) reject(new ProbeError(err.code, err.message));
      else resolve(v as string);
    });
  });
}

export class LineReader {
  private seg = -1;
  private at = 0;
  private text = "";
  /** File size when the chunk was read: a short chunk of a growing file is read again. */
  private size = 0;
  /** The chunk holds CHUNK_BYTES bytes: the file may grow, this chunk will not change. */
  private full = false;
  /** Where the text after `memoSkip` newlines starts: sequential reads never rescan. */
  private memoSkip = 0;
  private memoIdx = 0;

  constructor(private readonly host: Host) {}

  /** Forgets a segment's chunk (its file is deleted; the same id may be written anew). */
  forget(seg: number): void {
    if (seg === this.seg || seg < 0) {
      this.seg = -1;
      this.text = "";
    }
  }

  private async load(seg: number, path: string, size: number, at: number): Promise<void> {
    if (this.seg === seg && this.at === at && (this.full || this.size === size)) return;
    this.seg = -1;
    this.text = "";
    const text = await readChunk(this.host, path, at, CHUNK_BYTES);
    this.seg = seg;
    this.at = at;
    this.text = text;
    this.size = size;
    this.full = at + CHUNK_BYTES <= size;
    this.memoSkip = 0;
    this.memoIdx = 0;
  }

  /**
   * The complete line at `pos` of segment `seg` (file `path`, `size` bytes on disk now).
   * A line that ends past the chunk is gathered from the chunks after it; one longer
   * than any record is returned as "" (not a record) without being held.
   */
  async line(seg: number, path: string, size: number, pos: LinePos): Promise<LineResult> {
    await this.load(seg, path, size, pos.at);
    let idx = 0;
    let k = 0;
    if (pos.skip >= this.memoSkip) {
      idx = this.memoIdx;
      k = this.memoSkip;
    }
    const text = this.text;
    while (k < pos.skip) {
      const j = text.indexOf("\n", idx);
      if (j < 0) return "end";
      idx = j + 1;
      k = k + 1;
    }
    this.memoSkip = k;
    this.memoIdx = idx;
    const j = text.indexOf("\n", idx);
    if (j >= 0) {
      this.memoSkip = k + 1;
      this.memoIdx = j + 1;
      return { text: text.substring(idx, j), next: { at: pos.at, skip: k + 1 } };
    }
    if (!this.full) return idx >= text.length ? "end" : "torn";
    // The line goes on in the next chunk(s).
    let parts: string[] = [text.substring(idx)];
    let held = text.length - idx;
    let at = pos.at;
    for (let guard = 0; guard < 1000000; guard++) {
      at = at + CHUNK_BYTES;
      await this.load(seg, path, size, at);
      const t = this.text;
      const e = t.indexOf("\n");
      if (e >= 0) {
        this.memoSkip = 1;
        this.memoIdx = e + 1;
        if (held >= 0) parts.push(t.substring(0, e));
        return { text: held >= 0 ? parts.join("") : "", next: { at: at, skip: 1 } };
      }
      if (!this.full) return "torn";
      held = held >= 0 ? held + t.length : -1;
      if (held > MAX_RECORD_BYTES) {
        // Not a record: find its end without keeping it.
        held = -1;
        parts = [];
      }
      if (held >= 0) parts.push(t);
    }
    return "torn";
  }
}
