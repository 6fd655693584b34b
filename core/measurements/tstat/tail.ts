// Streaming one Tstat log: reads from where it stopped, in chunks (host.fs.readRange), so a
// log of any size passes through bounded memory. Headers are kept (and re-read when
// tailing starts mid-file); a line still being written stays in `carry` until its newline
// arrives, and when the file is final (rotated away, or the specification ends) such a
// partial line is skipped and counted as truncated, never parsed.
import { Host } from "../../host";
import { Cancel } from "../../cancel";
import { LogHeader, parseHeader } from "./header";
import { readRange, readTextMaybe, statMaybe } from "./fsa";

export interface TailStats {
  rows: number;
  /** Complete lines whose field count does not match their header (or rows before any header). */
  malformed: number;
  /** Partly written last lines, skipped. */
  truncated: number;
}

export function newStats(): TailStats {
  return { rows: 0, malformed: 0, truncated: 0 };
}

/** A header-less log line longer than this is garbage, not a row in progress. */
const MAX_LINE = 1048576;

export type RowSink = (fields: string[], h: LogHeader) => void;

/**
 * The line logic, without I/O: headers, rows checked against their header's width, a
 * partial last line held until its newline (or counted as truncated by finish()).
 */
export class LogParser {
  private carry = "";
  /** Starting mid-line (tailing from a snapshot): the rest of that line predates us. */
  skipPartial = false;
  headers: LogHeader[] = [];

  /** The header a row belongs to: HTTP logs have a request (#C#) and a response (#S#) one. */
  private headerFor(fields: string[]): LogHeader | undefined {
    if (this.headers.length === 1) return this.headers[0];
    let fallback: LogHeader | undefined = undefined;
    for (const h of this.headers) {
      const i = h.index.get("HTTP");
      if (h.tag === "S" && i !== undefined && i < fields.length && fields[i] === "HTTP") return h;
      if (h.tag !== "S") fallback = h;
    }
    return fallback;
  }

  line(text: string, sink: RowSink, stats: TailStats): void {
    if (text.length === 0 || text === "\r") return;
    if (text.substring(0, 1) === "#") {
      const h = parseHeader(text);
      if (h === undefined) return;
      const keep: LogHeader[] = [];
      // A #C#/#S# pair adds up; any other header starts a new layout.
      if (h.tag === "C" || h.tag === "S") for (const o of this.headers) if ((o.tag === "C" || o.tag === "S") && o.tag !== h.tag) keep.push(o);
      keep.push(h);
      this.headers = keep;
      return;
    }
    if (this.headers.length === 0) {
      stats.malformed = stats.malformed + 1;
      return;
    }
    const body = text.substring(text.length - 1) === "\r" ? text.substring(0, text.length - 1) : text;
    const fields = body.split(this.headers[0].sep);
    const h = this.headerFor(fields);
    if (h === undefined || fields.length !== h.width) {
      stats.malformed = stats.malformed + 1;
      return;
    }
    stats.rows = stats.rows + 1;
    sink(fields, h);
  }

  feed(data: string, sink: RowSink, stats: TailStats): void {
    let text = this.carry + data;
    if (this.skipPartial) {
      const nl = text.indexOf("\n");
      if (nl < 0) {
        this.carry = "";
        return;
      }
      text = text.substring(nl + 1);
      this.skipPartial = false;
    }
    const parts = text.split("\n");
    this.carry = parts[parts.length - 1];
    for (let i = 0; i < parts.length - 1; i++) this.line(parts[i], sink, stats);
    if (this.carry.length > MAX_LINE) {
      this.carry = "";
      stats.malformed = stats.malformed + 1;
    }
  }

  /** The input is complete: a partial last line is counted and dropped. */
  finish(stats: TailStats): void {
    if (this.carry.length > 0) {
      stats.truncated = stats.truncated + 1;
      this.carry = "";
    }
  }

  pending(): number {
    return this.carry.length;
  }

  reset(): void {
    this.carry = "";
    this.headers = [];
    this.skipPartial = false;
  }
}

export class LogTail {
  offset = 0;
  private readonly p = new LogParser();

  constructor(readonly host: Host, readonly path: string, readonly chunkBytes: number, readonly fallbackMaxBytes: number) {}

  /** Starts tailing at `offset` (a size seen earlier), with the headers read from the top. */
  async startAt(offset: number): Promise<void> {
    try {
      await this.primeHeaders();
    } catch (e) {
      // gone meanwhile (Tstat re-created its directory): pump() starts over
    }
    this.offset = offset;
    this.p.skipPartial = false;
    if (offset > 0) {
      let prev: string | undefined = "\n";
      try {
        prev = await readRange(this.host, this.path, offset - 1, 1);
        if (prev === undefined) {
          const all = await readTextMaybe(this.host, this.path, this.fallbackMaxBytes);
          prev = all !== undefined ? all.substring(offset - 1, offset) : "\n";
        }
      } catch (e) {
        prev = "\n";
      }
      this.p.skipPartial = prev !== "\n";
    }
  }

  /** Bytes held back as a line still being written. */
  pending(): number {
    return this.p.pending();
  }

  /** The headers at the top of the file, each handed to `f` (for status: the log level). */
  async primeHeadersWith(f: (h: LogHeader) => void): Promise<void> {
    try {
      await this.primeHeaders();
    } catch (e) {
      return;
    }
    for (const h of this.p.headers) f(h);
  }

  /** Reads the header lines from the top of the file (tailing that starts mid-file needs them). */
  async primeHeaders(): Promise<void> {
    const save = this.offset;
    let off = 0;
    let text = "";
    for (let k = 0; k < 16; k++) {
      const d = await readRange(this.host, this.path, off, 4096);
      if (d === undefined) {
        const all = await readTextMaybe(this.host, this.path, this.fallbackMaxBytes);
        text = all !== undefined ? all.substring(0, 65536) : "";
        break;
      }
      if (d.length === 0) break;
      text = text + d;
      off = off + d.length;
      // headers end at the first line that is not one
      const lines = text.split("\n");
      let done = false;
      for (let i = 0; i < lines.length - 1; i++) if (lines[i].substring(0, 1) !== "#") done = true;
      if (done) break;
    }
    const lines = text.split("\n");
    for (let i = 0; i < lines.length - 1; i++) {
      if (lines[i].substring(0, 1) !== "#") break;
      this.p.line(lines[i], () => undefined, newStats());
    }
    this.offset = save;
  }

  /**
   * Reads what was added since the last call, up to `upTo` bytes from the start when given.
   * `final`: the file is complete (rotated away, or the reading ends): a partial last line
   * is counted in stats.truncated and dropped.
   */
  async pump(sink: RowSink, stats: TailStats, final: boolean, cancel?: Cancel, upTo?: number): Promise<void> {
    const st = await statMaybe(this.host, this.path);
    if (st === undefined) return;
    if (st.size < this.offset) {
      // Tstat re-created the directory (same minute): start over.
      this.offset = 0;
      this.p.reset();
    }
    const end = upTo !== undefined && upTo < st.size ? upTo : st.size;
    let guard = Math.ceil((end - this.offset) / this.chunkBytes) + 2;
    while (this.offset < end && guard > 0 && (cancel === undefined || !cancel.cancelled)) {
      guard = guard - 1;
      const want = end - this.offset < this.chunkBytes ? end - this.offset : this.chunkBytes;
      const d = await readRange(this.host, this.path, this.offset, want);
      if (d === undefined) {
        // No readRange on this host: the whole file once, then the part not yet seen.
        const all = await readTextMaybe(this.host, this.path, this.fallbackMaxBytes);
        if (all === undefined) return;
        const stop = upTo !== undefined && upTo < all.length ? upTo : all.length;
        if (stop > this.offset) this.p.feed(all.substring(this.offset, stop), sink, stats);
        if (stop > this.offset) this.offset = stop;
        break;
      }
      if (d.length === 0) break;
      this.offset = this.offset + d.length;
      this.p.feed(d, sink, stats);
    }
    if (final) this.p.finish(stats);
  }
}
