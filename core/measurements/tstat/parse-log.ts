// A whole log text → rows of a group's columns (the tail's parser, without files): for the
// conformance vectors and the parser benchmark.
import { Cell } from "../types";
import { LogGroup } from "./groups";
import { rowCells } from "./rows";
import { LogParser, TailStats, newStats } from "./tail";

export function parseLog(text: string, g: LogGroup, final: boolean): { rows: Cell[][]; stats: TailStats; pending: number } {
  const p = new LogParser();
  const stats = newStats();
  const rows: Cell[][] = [];
  p.feed(text, (fields, h) => {
    const r = rowCells(fields, h, g.cols, g.withKind);
    rows.push(r);
  }, stats);
  const pending = p.pending();
  if (final) p.finish(stats);
  return { rows: rows, stats: stats, pending: final ? 0 : pending };
}
