// UTC calendar arithmetic without Date (absent on Lua): mPlane writes times as
// "YYYY-MM-DD HH:MM:SS.ffffff". Times inside core are milliseconds since the epoch,
// possibly fractional (microseconds survive a round trip).
import { ProbeError } from "./errors";
import { fmtNum, parseNatural } from "./num";

function pad(n: number, width: number): string {
  let s = fmtNum(n, 0);
  while (s.length < width) s = "0" + s;
  return s;
}

// Howard Hinnant's days_from_civil / civil_from_days, in floor arithmetic.
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? era * 400 + yoe + 1 : era * 400 + yoe, m, d];
}

/** "YYYY-MM-DD HH:MM:SS.ffffff" (UTC) for milliseconds since the epoch. */
export function formatTime(ms: number): string {
  const us = Math.floor(ms * 1000 + 0.5);
  const totalS = Math.floor(us / 1000000);
  const frac = us - totalS * 1000000;
  const days = Math.floor(totalS / 86400);
  const sod = totalS - days * 86400;
  const ymd = civilFromDays(days);
  const h = Math.floor(sod / 3600);
  const mi = Math.floor((sod - h * 3600) / 60);
  const s = sod - h * 3600 - mi * 60;
  return pad(ymd[0], 4) + "-" + pad(ymd[1], 2) + "-" + pad(ymd[2], 2) + " " + pad(h, 2) + ":" + pad(mi, 2) + ":" +
    pad(s, 2) + "." + pad(frac, 6);
}

function field(text: string, from: number, len: number, what: string, lo: number, hi: number): number {
  const v = parseNatural(text.substring(from, from + len));
  if (v === undefined || v < lo || v > hi) throw new ProbeError("ETIME", "bad " + what + " in time '" + text + "'");
  return v;
}

/**
 * Reads "YYYY-MM-DD HH:MM:SS[.f...]" or "YYYY-MM-DD[ HH:MM[:SS]]" as UTC; a trailing "Z"
 * or "T" separator (ISO 8601) is accepted as well. Returns milliseconds since the epoch.
 */
export function parseTime(text: string): number {
  let t = text;
  if (t.length > 0 && t.substring(t.length - 1) === "Z") t = t.substring(0, t.length - 1);
  if (t.length < 10 || t.substring(4, 5) !== "-" || t.substring(7, 8) !== "-") {
    throw new ProbeError("ETIME", "not a time: '" + text + "'");
  }
  const y = field(t, 0, 4, "year", 1, 9999);
  const mo = field(t, 5, 2, "month", 1, 12);
  const d = field(t, 8, 2, "day", 1, 31);
  let h = 0;
  let mi = 0;
  let s = 0;
  let fracMs = 0;
  if (t.length > 10) {
    const sep = t.substring(10, 11);
    if ((sep !== " " && sep !== "T") || t.length < 16 || t.substring(13, 14) !== ":") {
      throw new ProbeError("ETIME", "not a time: '" + text + "'");
    }
    h = field(t, 11, 2, "hour", 0, 23);
    mi = field(t, 14, 2, "minute", 0, 59);
    if (t.length > 16) {
      if (t.substring(16, 17) !== ":" || t.length < 19) throw new ProbeError("ETIME", "not a time: '" + text + "'");
      s = field(t, 17, 2, "second", 0, 60);
      if (t.length > 19) {
        if (t.substring(19, 20) !== "." || t.length === 20) throw new ProbeError("ETIME", "not a time: '" + text + "'");
        const digits = t.substring(20);
        if (parseNatural(digits) === undefined || digits.length > 9) {
          throw new ProbeError("ETIME", "bad fraction in time '" + text + "'");
        }
        let scale = 1;
        for (let i = 0; i < digits.length; i++) scale = scale * 10;
        fracMs = (Number(digits) / scale) * 1000;
      }
    }
  }
  const days = daysFromCivil(y, mo, d);
  const back = civilFromDays(days);
  if (back[1] !== mo || back[2] !== d) throw new ProbeError("ETIME", "no such day in time '" + text + "'");
  return ((days * 86400 + h * 3600 + mi * 60 + s) * 1000) + fracMs;
}
