// Rows of one log group across Tstat's output directories: the past part (rows dated in a
// window, from every directory that may hold them) and the live part (rows that appear
// while the specification runs, following rotations to new directories).
import { Host } from "../../host";
import { Cancel } from "../../cancel";
import { Cell } from "../types";
import { LogGroup } from "./groups";
import { LogHeader } from "./header";
import { rowCells, rowTime } from "./rows";
import { LogTail, TailStats, newStats } from "./tail";
import { dirsForWindow, listOutDirs } from "./outdir";
import { statMaybe } from "./fsa";

export interface ReaderOptions {
  chunkBytes: number;
  /** Largest whole-file read when the host has no readRange. */
  fallbackMaxBytes: number;
  maxRows: number;
}

export const READER_DEFAULTS: ReaderOptions = { chunkBytes: 65536, fallbackMaxBytes: 67108864, maxRows: 10000 };

export interface Snapshot {
  dirs: string[];
  /** The newest directory (current output), or undefined when there is none yet. */
  cur: string | undefined;
  /** Size of its log file at the snapshot. */
  size: number;
}

export class GroupReader {
  rows: Cell[][] = [];
  stats: TailStats = newStats();
  /** Rows past maxRows, not kept. */
  dropped = 0;
  /** Directories read from, oldest first. */
  seen: string[] = [];
  private cur: string | undefined = undefined;
  private tail: LogTail | undefined = undefined;

  constructor(
    readonly host: Host,
    readonly logDir: string,
    readonly group: LogGroup,
    readonly opts: ReaderOptions,
    readonly cancel: Cancel | undefined,
    /** Extra row test (correlation); undefined keeps every row. */
    readonly keep?: (fields: string[], h: LogHeader) => boolean,
  ) {}

  private path(dir: string): string {
    return this.logDir + "/" + dir + "/" + this.group.log;
  }

  private newTail(dir: string): LogTail {
    if (this.seen.indexOf(dir) < 0) this.seen.push(dir);
    return new LogTail(this.host, this.path(dir), this.opts.chunkBytes, this.opts.fallbackMaxBytes);
  }

  private add(fields: string[], h: LogHeader): void {
    if (this.keep !== undefined && !this.keep(fields, h)) return;
    if (this.rows.length >= this.opts.maxRows) {
      this.dropped = this.dropped + 1;
      return;
    }
    this.rows.push(rowCells(fields, h, this.group.cols, this.group.withKind));
  }

  private sinkAll(): (fields: string[], h: LogHeader) => void {
    return (fields, h) => this.add(fields, h);
  }

  private sinkWindow(startMs: number, endMs: number): (fields: string[], h: LogHeader) => void {
    const g = this.group;
    return (fields, h) => {
      const t = rowTime(fields, h, g.timeField, g.timeScale);
      if (t !== undefined && t >= startMs && t < endMs) this.add(fields, h);
    };
  }

  async snapshot(): Promise<Snapshot> {
    const dirs = await listOutDirs(this.host, this.logDir);
    const cur = dirs.length > 0 ? dirs[dirs.length - 1] : undefined;
    let size = 0;
    if (cur !== undefined) {
      const st = await statMaybe(this.host, this.path(cur));
      if (st !== undefined) size = st.size;
    }
    return { dirs: dirs, cur: cur, size: size };
  }

  /**
   * Rows dated in [startMs, endMs) that were written before the snapshot. When `thenLive`,
   * reading of the current file stops at the snapshot and live tailing continues from there.
   */
  async scanPast(startMs: number, endMs: number, snap: Snapshot, thenLive: boolean): Promise<void> {
    const sink = this.sinkWindow(startMs, endMs);
    for (const dir of dirsForWindow(snap.dirs, startMs)) {
      if (this.cancel !== undefined && this.cancel.cancelled) return;
      const t = this.newTail(dir);
      if (dir === snap.cur) {
        await t.pump(sink, this.stats, !thenLive, this.cancel, snap.size);
        this.cur = dir;
        this.tail = t;
      } else {
        await t.pump(sink, this.stats, true, this.cancel);
      }
    }
  }

  /** Starts live tailing at the snapshot (unless scanPast already positioned it). */
  async startLive(snap: Snapshot): Promise<void> {
    if (this.tail !== undefined || snap.cur === undefined) return;
    this.cur = snap.cur;
    this.tail = this.newTail(snap.cur);
    await this.tail.startAt(snap.size);
  }

  /** Reads what appeared since the last poll, following new output directories. `final`: the last poll. */
  async poll(final: boolean): Promise<void> {
    const sink = this.sinkAll();
    const dirs = await listOutDirs(this.host, this.logDir);
    const newer: string[] = [];
    for (const d of dirs) if (this.cur === undefined || d > this.cur) newer.push(d);
    if (newer.length > 0 && this.tail !== undefined) {
      // Tstat closed the old files when it rotated: they are complete.
      await this.tail.pump(sink, this.stats, true, this.cancel);
    }
    for (let i = 0; i < newer.length; i++) {
      this.cur = newer[i];
      this.tail = this.newTail(newer[i]);
      if (i + 1 < newer.length) await this.tail.pump(sink, this.stats, true, this.cancel);
    }
    if (this.tail !== undefined) await this.tail.pump(sink, this.stats, final, this.cancel);
  }
}
