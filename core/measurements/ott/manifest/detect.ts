// Which protocol is this manifest? The content decides; URL and Content-Type are hints
// used only when the content is not conclusive.
import { parseDash } from "./dash";
import { parseHls } from "./hls";
import { Manifest, ManifestKind, ParseOptions, manifestError } from "./model";
import { parseMss } from "./mss";

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Name of the first element of an XML text, skipping declarations, comments and PIs (scans at most 64 KiB). */
function rootName(text: string, from: number): string | undefined {
  let i = from;
  const limit = text.length < 65536 ? text.length : 65536;
  while (i < limit) {
    const lt = text.indexOf("<", i);
    if (lt < 0 || lt >= limit) return undefined;
    const next = text.substring(lt + 1, lt + 2);
    if (next === "?" || next === "!") {
      const close = text.substring(lt, lt + 4) === "<!--" ? text.indexOf("-->", lt) : text.indexOf(">", lt);
      if (close < 0) return undefined;
      i = close + 1;
    } else {
      let j = lt + 1;
      while (j < text.length && !isSpace(text.charCodeAt(j)) && text.charCodeAt(j) !== 62 && text.charCodeAt(j) !== 47) j = j + 1;
      const name = text.substring(lt + 1, j);
      const c = name.indexOf(":");
      return c < 0 ? name : name.substring(c + 1);
    }
  }
  return undefined;
}

function hintKind(url: string | undefined, contentType: string | undefined): ManifestKind | undefined {
  if (contentType !== undefined) {
    const ct = contentType.toLowerCase();
    if (ct.indexOf("mpegurl") >= 0) return "hls";
    if (ct.indexOf("dash+xml") >= 0) return "dash";
    if (ct.indexOf("vnd.ms-sstr+xml") >= 0) return "mss";
  }
  if (url !== undefined) {
    let u = url.toLowerCase();
    const q = u.indexOf("?");
    if (q >= 0) u = u.substring(0, q);
    const h = u.indexOf("#");
    if (h >= 0) u = u.substring(0, h);
    const ends = (s: string): boolean => u.length >= s.length && u.substring(u.length - s.length) === s;
    if (ends(".m3u8") || ends(".m3u")) return "hls";
    if (ends(".mpd")) return "dash";
    if (ends("/manifest") || ends(".ism") || ends(".isml")) return "mss";
  }
  return undefined;
}

/** Detect the protocol from the content first, then the Content-Type, then the URL. */
export function detectManifest(text: string, url?: string, contentType?: string): ManifestKind {
  let i = 0;
  if (text.substring(0, "\uFEFF".length) === "\uFEFF") i = "\uFEFF".length;
  while (i < text.length && isSpace(text.charCodeAt(i))) i = i + 1;
  const head = text.substring(i, i + 7);
  if (head === "#EXTM3U") return "hls";
  if (head.substring(0, 1) === "<") {
    const name = rootName(text, i);
    if (name === "MPD") return "dash";
    if (name === "SmoothStreamingMedia") return "mss";
    const hinted = hintKind(url, contentType);
    if (hinted === "dash" || hinted === "mss") return hinted;
    throw manifestError("XML manifest with root <" + (name !== undefined ? name : "?") + "> is neither DASH nor Smooth Streaming");
  }
  // A playlist missing its #EXTM3U still looks like HLS: let the HLS parser say what is wrong.
  const probe = text.substring(i, i + 4096);
  if (probe.indexOf("#EXTINF") >= 0 || probe.indexOf("#EXT-X-") >= 0) return "hls";
  const hinted = hintKind(url, contentType);
  if (hinted !== undefined) return hinted;
  if (text.length === 0 || i >= text.length) throw manifestError("empty manifest");
  throw manifestError("not a manifest: neither an HLS playlist nor an MPD nor a Smooth Streaming manifest");
}

/** Detect and parse. */
export function parseManifest(text: string, url: string, contentType?: string, opts?: ParseOptions): Manifest {
  const kind = detectManifest(text, url, contentType);
  if (kind === "hls") return parseHls(text, url, opts);
  if (kind === "dash") return parseDash(text, url, opts);
  return parseMss(text, url, opts);
}
