// Times in query strings: ms since the epoch, an ISO 8601 / mPlane date, or a duration
// back from now ("15m", "2h", "1d" or "-15m").
import { parseDuration } from "../../../core/model/when.ts";

export function parseTimeParam(text: string, now = Date.now()): number {
  const t = text.trim();
  if (/^\d{10,}$/.test(t)) return Number(t);
  if (/^-?(\d+(\.\d+)?[dhms])+$/.test(t)) return now - parseDuration(t.replace(/^-/, ""));
  const ms = Date.parse(t.includes(" ") && !t.includes("T") ? t.replace(" ", "T") + (/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? "" : "Z") : t);
  if (Number.isNaN(ms)) throw new Error(`'${text}' is not a time (ms since the epoch, ISO 8601, or a duration ago such as 15m)`);
  return ms;
}
