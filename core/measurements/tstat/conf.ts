// Tstat's runtime.conf as text: read and set `[section]` keys without touching anything
// else. Comments, blank lines, unknown keys, spacing and line endings stay byte for byte,
// so the file can be restored exactly and a person's own notes in it survive our edits.
// Tstat reads `name = value` lines (value up to whitespace or '#'); we change only the
// value token of the lines we own.

export interface ConfEdit {
  section: string;
  key: string;
  value: string;
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t";
}

/** The section named by a "[name]" line (surrounding blanks allowed), else undefined. */
function sectionOf(line: string): string | undefined {
  const t = line.trim();
  if (t.length < 2 || t.substring(0, 1) !== "[") return undefined;
  const close = t.indexOf("]");
  if (close < 0) return undefined;
  return t.substring(1, close).trim();
}

interface KeyLine {
  key: string;
  /** Where the value token starts and ends in the line. */
  from: number;
  to: number;
}

/** "  key = value  # note" → key and the value token's span; comments and others → undefined. */
function keyLine(line: string): KeyLine | undefined {
  let i = 0;
  const n = line.length;
  while (i < n && isSpace(line.substring(i, i + 1))) i = i + 1;
  const ks = i;
  while (i < n) {
    const c = line.substring(i, i + 1);
    if (isSpace(c) || c === "=" || c === "#" || c === "\r") break;
    i = i + 1;
  }
  if (i === ks) return undefined;
  const key = line.substring(ks, i);
  if (key.substring(0, 1) === "[") return undefined;
  while (i < n && isSpace(line.substring(i, i + 1))) i = i + 1;
  if (i >= n || line.substring(i, i + 1) !== "=") return undefined;
  i = i + 1;
  while (i < n && isSpace(line.substring(i, i + 1))) i = i + 1;
  const vs = i;
  while (i < n) {
    const c = line.substring(i, i + 1);
    if (isSpace(c) || c === "#" || c === "\r") break;
    i = i + 1;
  }
  return { key: key, from: vs, to: i };
}

/** The value of `key` in `[section]` (the last one, as a later line overrides), or undefined. */
export function confValue(text: string, section: string, key: string): string | undefined {
  let cur = "";
  let found: string | undefined = undefined;
  for (const line of text.split("\n")) {
    const s = sectionOf(line);
    if (s !== undefined) cur = s;
    else if (cur === section) {
      const k = keyLine(line);
      if (k !== undefined && k.key === key) found = line.substring(k.from, k.to);
    }
  }
  return found;
}

/** Every `key = value` of a section, in file order (later duplicates win). */
export function confSection(text: string, section: string): { key: string; value: string }[] {
  let cur = "";
  const out: { key: string; value: string }[] = [];
  for (const line of text.split("\n")) {
    const s = sectionOf(line);
    if (s !== undefined) cur = s;
    else if (cur === section) {
      const k = keyLine(line);
      if (k !== undefined) {
        let replaced = false;
        for (const e of out) {
          if (e.key === k.key) {
            e.value = line.substring(k.from, k.to);
            replaced = true;
          }
        }
        if (!replaced) out.push({ key: k.key, value: line.substring(k.from, k.to) });
      }
    }
  }
  return out;
}

function wanted(edits: ConfEdit[], section: string, key: string): ConfEdit | undefined {
  let w: ConfEdit | undefined = undefined;
  for (const e of edits) if (e.section === section && e.key === key) w = e;
  return w;
}

/**
 * The text with each edit applied: the value token of every matching line is replaced; a
 * key the section lacks is added after the section's last key line (or its header); a
 * missing section is appended. With no effective change the very same text comes back.
 */
export function setConf(text: string, edits: ConfEdit[]): string {
  const lines = text.split("\n");
  const done = new Set<string>();
  // index of the line after which a missing key of a section goes
  const lastLineOf = new Map<string, number>();
  let cur = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const s = sectionOf(line);
    if (s !== undefined) {
      cur = s;
      if (!lastLineOf.has(cur)) lastLineOf.set(cur, i);
      continue;
    }
    const k = keyLine(line);
    if (k === undefined) continue;
    lastLineOf.set(cur, i);
    const e = wanted(edits, cur, k.key);
    if (e === undefined) continue;
    done.add(cur + "\n" + k.key);
    if (line.substring(k.from, k.to) !== e.value) {
      lines[i] = line.substring(0, k.from) + e.value + line.substring(k.to);
    }
  }
  // Additions, grouped by the line they follow; inserted from the bottom up so indices hold.
  const adds = new Map<number, string[]>();
  const appended: string[] = [];
  const seen = new Set<string>();
  for (const e of edits) {
    const id = e.section + "\n" + e.key;
    if (done.has(id) || seen.has(id)) continue;
    seen.add(id);
    const last = wanted(edits, e.section, e.key) as ConfEdit;
    const at = lastLineOf.get(e.section);
    if (at === undefined) {
      appended.push(e.section + "\n" + e.key + " = " + last.value);
    } else {
      const list = adds.get(at);
      if (list === undefined) adds.set(at, [e.key + " = " + last.value]);
      else list.push(e.key + " = " + last.value);
    }
  }
  const ats: number[] = [];
  adds.forEach((_v, k) => ats.push(k));
  ats.sort((a, b) => b - a);
  for (const at of ats) {
    const eol = lines[at].substring(lines[at].length - 1) === "\r" ? "\r" : "";
    const list = adds.get(at) as string[];
    for (let j = list.length - 1; j >= 0; j--) lines.splice(at + 1, 0, list[j] + eol);
  }
  let out = lines.join("\n");
  if (appended.length > 0) {
    let lastSection = "";
    if (out.length > 0 && out.substring(out.length - 1) !== "\n") out = out + "\n";
    for (const a of appended) {
      const nl = a.indexOf("\n");
      const sec = a.substring(0, nl);
      if (sec !== lastSection) {
        out = out + "\n[" + sec + "]\n";
        lastSection = sec;
      }
      out = out + a.substring(nl + 1) + "\n";
    }
  }
  return out;
}
