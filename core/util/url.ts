// RFC 3986 reference resolution (section 5.2), without regular expressions so that the
// same code runs on QuickJS and Lua 5.1. Used for HLS playlist URIs, DASH BaseURL chains
// and Smooth Streaming fragment URLs. No normalisation beyond what 5.2 asks for: case,
// percent-encoding and default ports are left as written.
import { ProbeError } from "./errors";

/** Longest URL accepted (manifests are untrusted input). */
export const MAX_URL_LENGTH = 8192;

/** The five components of RFC 3986 appendix B; undefined = component absent. */
export interface UrlParts {
  scheme?: string;
  authority?: string;
  path: string;
  query?: string;
  fragment?: string;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSchemeChar(c: number): boolean {
  return isAlpha(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** Index of the first of "/?#" (or of the chars in `stops`) at or after `from`, else s.length. */
function findAny(s: string, from: number, stops: string): number {
  for (let i = from; i < s.length; i++) {
    const ch = s.substring(i, i + 1);
    if (stops.indexOf(ch) >= 0) return i;
  }
  return s.length;
}

/** Split a URI reference into its components (RFC 3986 appendix B). */
export function splitUrl(s: string): UrlParts {
  if (s.length > MAX_URL_LENGTH) throw new ProbeError("EURL", "URL longer than " + "8192" + " bytes");
  let pos = 0;
  const out: UrlParts = { path: "" };
  // scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" before any of "/?#"
  const colon = s.indexOf(":");
  if (colon > 0 && colon < findAny(s, 0, "/?#")) {
    let ok = isAlpha(s.charCodeAt(0));
    for (let i = 1; i < colon && ok; i++) if (!isSchemeChar(s.charCodeAt(i))) ok = false;
    if (ok) {
      out.scheme = s.substring(0, colon);
      pos = colon + 1;
    }
  }
  if (s.substring(pos, pos + 2) === "//") {
    const end = findAny(s, pos + 2, "/?#");
    out.authority = s.substring(pos + 2, end);
    pos = end;
  }
  const pathEnd = findAny(s, pos, "?#");
  out.path = s.substring(pos, pathEnd);
  pos = pathEnd;
  if (pos < s.length && s.substring(pos, pos + 1) === "?") {
    const qEnd = findAny(s, pos + 1, "#");
    out.query = s.substring(pos + 1, qEnd);
    pos = qEnd;
  }
  if (pos < s.length && s.substring(pos, pos + 1) === "#") out.fragment = s.substring(pos + 1);
  return out;
}

/** Recombine components (RFC 3986 section 5.3). */
export function joinUrl(p: UrlParts): string {
  const parts: string[] = [];
  if (p.scheme !== undefined) parts.push(p.scheme + ":");
  if (p.authority !== undefined) parts.push("//" + p.authority);
  parts.push(p.path);
  if (p.query !== undefined) parts.push("?" + p.query);
  if (p.fragment !== undefined) parts.push("#" + p.fragment);
  return parts.join("");
}

/** remove_dot_segments (RFC 3986 section 5.2.4), on a segment stack. */
export function removeDotSegments(path: string): string {
  if (path.indexOf(".") < 0) return path;
  const absolute = path.substring(0, 1) === "/";
  const segs = path.split("/");
  const out: string[] = [];
  // segs[0] is "" for an absolute path; the last segment decides the trailing slash.
  const start = absolute ? 1 : 0;
  for (let i = start; i < segs.length; i++) {
    const seg = segs[i];
    const last = i === segs.length - 1;
    if (seg === ".") {
      if (last) out.push("");
    } else if (seg === "..") {
      if (out.length > 0) out.pop();
      if (last) out.push("");
    } else {
      out.push(seg);
    }
  }
  return (absolute ? "/" : "") + out.join("/");
}

function merge(base: UrlParts, refPath: string): string {
  if (base.authority !== undefined && base.path === "") return "/" + refPath;
  let cut = -1;
  for (let i = base.path.length - 1; i >= 0; i--) {
    if (base.path.charCodeAt(i) === 47) {
      cut = i;
      break;
    }
  }
  return cut < 0 ? refPath : base.path.substring(0, cut + 1) + refPath;
}

/**
 * Resolve `ref` against `base` (RFC 3986 section 5.2.2, strict: a reference with a scheme
 * is absolute even when it equals the base's scheme).
 */
export function resolveUrl(base: string, ref: string): string {
  const r = splitUrl(ref);
  const b = splitUrl(base);
  const t: UrlParts = { path: "" };
  if (r.scheme !== undefined) {
    t.scheme = r.scheme;
    t.authority = r.authority;
    t.path = removeDotSegments(r.path);
    t.query = r.query;
  } else {
    if (r.authority !== undefined) {
      t.authority = r.authority;
      t.path = removeDotSegments(r.path);
      t.query = r.query;
    } else {
      if (r.path === "") {
        t.path = b.path;
        t.query = r.query !== undefined ? r.query : b.query;
      } else {
        if (r.path.substring(0, 1) === "/") t.path = removeDotSegments(r.path);
        else t.path = removeDotSegments(merge(b, r.path));
        t.query = r.query;
      }
      t.authority = b.authority;
    }
    t.scheme = b.scheme;
  }
  t.fragment = r.fragment;
  return joinUrl(t);
}

/** True when `s` has a scheme (an absolute URI or URI with fragment). */
export function isAbsoluteUrl(s: string): boolean {
  return splitUrl(s).scheme !== undefined;
}

/**
 * Why `s` is not an http or https URL the probe may fetch, or undefined: the scheme is
 * http or https in any case ("HTTP://" too), an authority with a host follows, and no
 * space or control byte appears anywhere. Everything else (file:, gopher:, "-K/x://",
 * relative references) is refused before any request is made.
 */
export function httpUrlProblem(s: string): string | undefined {
  if (s.length > MAX_URL_LENGTH) return "longer than 8192 bytes";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 127) return "not a URL (contains a space or control character)";
  }
  const p = splitUrl(s);
  if (p.scheme === undefined) return "not an absolute URL (http:// or https://)";
  const scheme = p.scheme.toLowerCase();
  if (scheme !== "http" && scheme !== "https") return "scheme '" + p.scheme + "' is not http or https";
  if (p.authority === undefined) return "no host after " + p.scheme + "://";
  let host = p.authority;
  const at = host.indexOf("@");
  if (at >= 0) host = host.substring(at + 1);
  if (host.length === 0 || host.substring(0, 1) === ":") return "no host after " + p.scheme + "://";
  return undefined;
}
