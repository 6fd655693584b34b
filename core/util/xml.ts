// A small, bounded, non-validating XML parser for manifests (DASH MPD, Smooth Streaming).
// Portable to Lua 5.1: no regular expressions, index scanning only. Elements, attributes,
// text, comments, CDATA and processing instructions; the 5 predefined entities and numeric
// character references are decoded. Namespaces are not resolved: names keep their prefix
// ("cenc:pssh"). A DOCTYPE is refused outright, so entity bombs fail at once instead of
// expanding. Every limit breach or syntax error throws a ProbeError: EXML (malformed) or
// ELIMIT (too big / too deep / too many), with the line where it happened.
import { codePointText } from "./text";
import { ProbeError } from "./errors";
import { fmtNum } from "./num";

export interface XmlElement {
  type: "element";
  /** Qualified name as written, prefix included. */
  name: string;
  /** Attribute values by qualified name (entity-decoded). */
  attrs: { [name: string]: string };
  /** Attribute names in document order (object key order is not portable). */
  attrNames: string[];
  children: XmlNode[];
  /** 1-based line of the start tag. */
  line: number;
}
export interface XmlText {
  /** "text" and "cdata" are content; comments are kept for fidelity. */
  type: "text" | "cdata" | "comment";
  value: string;
}
export interface XmlPi {
  type: "pi";
  target: string;
  value: string;
}
export type XmlNode = XmlElement | XmlText | XmlPi;

export interface XmlDocument {
  root: XmlElement;
  /** Comments and processing instructions outside the root element (XML declaration excluded). */
  misc: XmlNode[];
}

export interface XmlLimits {
  /** Largest document in bytes (UTF-16 units on JS). Default 4 MiB. */
  maxBytes?: number;
  /** Deepest element nesting. Default 64. */
  maxDepth?: number;
  /** Most elements in the document. Default 200000. */
  maxElements?: number;
  /** Most attributes on one element. Default 256. */
  maxAttributes?: number;
}

export const XML_DEFAULT_MAX_BYTES = 4194304;

// "\u00e9" is one unit in UTF-16 runtimes and two bytes where strings are bytes (Lua).
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Name characters, permissively: anything but space and the XML delimiters. */
function isNameChar(c: number): boolean {
  return !(isSpace(c) || c === 47 || c === 62 || c === 60 || c === 61 || c === 34 || c === 39 || c === 38 || c < 0);
}

class XmlReader {
  pos = 0;
  elements = 0;
  constructor(
    readonly s: string,
    readonly maxDepth: number,
    readonly maxElements: number,
    readonly maxAttributes: number,
  ) {}

  // Line numbers are counted incrementally: positions only move forward while parsing.
  linePos = 0;
  lineNo = 1;

  lineAt(p: number): number {
    if (p < this.linePos) {
      this.linePos = 0;
      this.lineNo = 1;
    }
    let i = this.s.indexOf("\n", this.linePos);
    while (i >= 0 && i < p) {
      this.lineNo = this.lineNo + 1;
      i = this.s.indexOf("\n", i + 1);
    }
    this.linePos = p;
    return this.lineNo;
  }

  fail(why: string, at?: number): never {
    throw new ProbeError("EXML", "invalid XML at line " + fmtNum(this.lineAt(at !== undefined ? at : this.pos)) + ": " + why);
  }

  limit(why: string): never {
    throw new ProbeError("ELIMIT", "XML " + why + " (line " + fmtNum(this.lineAt(this.pos)) + ")");
  }

  code(): number {
    return this.pos < this.s.length ? this.s.charCodeAt(this.pos) : -1;
  }

  startsWith(t: string): boolean {
    return this.s.substring(this.pos, this.pos + t.length) === t;
  }

  skipSpace(): void {
    while (isSpace(this.code())) this.pos = this.pos + 1;
  }

  name(): string {
    const start = this.pos;
    while (this.pos < this.s.length && isNameChar(this.s.charCodeAt(this.pos))) this.pos = this.pos + 1;
    if (this.pos === start) this.fail("expected a name");
    return this.s.substring(start, this.pos);
  }

  /** Decode entity and character references in raw text or attribute value. */
  decode(raw: string, at: number): string {
    if (raw.indexOf("&") < 0) return raw;
    const out: string[] = [];
    let i = 0;
    while (i < raw.length) {
      const amp = raw.indexOf("&", i);
      if (amp < 0) {
        out.push(raw.substring(i));
        break;
      }
      out.push(raw.substring(i, amp));
      const semi = raw.indexOf(";", amp + 1);
      if (semi < 0 || semi - amp > 12) this.fail("unterminated entity reference", at);
      const ent = raw.substring(amp + 1, semi);
      if (ent === "lt") out.push("<");
      else if (ent === "gt") out.push(">");
      else if (ent === "amp") out.push("&");
      else if (ent === "quot") out.push("\"");
      else if (ent === "apos") out.push("'");
      else if (ent.substring(0, 1) === "#") {
        let cp = 0;
        const hex = ent.substring(1, 2) === "x";
        const digits = ent.substring(hex ? 2 : 1);
        if (digits.length === 0 || digits.length > 8) this.fail("bad character reference &" + ent + ";", at);
        for (let k = 0; k < digits.length; k++) {
          const c = digits.charCodeAt(k);
          let d = -1;
          if (c >= 48 && c <= 57) d = c - 48;
          else if (hex && c >= 97 && c <= 102) d = c - 87;
          else if (hex && c >= 65 && c <= 70) d = c - 55;
          if (d < 0) this.fail("bad character reference &" + ent + ";", at);
          cp = cp * (hex ? 16 : 10) + d;
        }
        const ok = cp === 9 || cp === 10 || cp === 13 || (cp >= 32 && cp < 0xd800) || (cp > 0xdfff && cp < 0xfffe) || (cp >= 0x10000 && cp <= 0x10ffff);
        if (!ok) this.fail("character reference &" + ent + "; is not a legal character", at);
        out.push(codePointText(cp));
      } else {
        this.fail("undefined entity &" + ent + "; (only the predefined entities are supported)", at);
      }
      i = semi + 1;
    }
    return out.join("");
  }

  /** Text up to the next "<", entity-decoded. */
  text(): string {
    const start = this.pos;
    let end = this.s.indexOf("<", start);
    if (end < 0) end = this.s.length;
    this.pos = end;
    return this.decode(this.s.substring(start, end), start);
  }

  /** Comment, PI, CDATA or DOCTYPE at pos (which is "<!" or "<?"); returns the node or undefined (declaration). */
  special(inRoot: boolean): XmlNode | undefined {
    if (this.startsWith("<!--")) {
      const end = this.s.indexOf("-->", this.pos + 4);
      if (end < 0) this.fail("unterminated comment");
      const v = this.s.substring(this.pos + 4, end);
      this.pos = end + 3;
      return { type: "comment", value: v };
    }
    if (this.startsWith("<![CDATA[")) {
      if (!inRoot) this.fail("CDATA outside the root element");
      const end = this.s.indexOf("]]>", this.pos + 9);
      if (end < 0) this.fail("unterminated CDATA section");
      const v = this.s.substring(this.pos + 9, end);
      this.pos = end + 3;
      return { type: "cdata", value: v };
    }
    if (this.startsWith("<!DOCTYPE") || this.startsWith("<!ENTITY") || this.startsWith("<!doctype")) {
      this.fail("DTDs and entity declarations are not supported");
    }
    if (this.startsWith("<?")) {
      const end = this.s.indexOf("?>", this.pos + 2);
      if (end < 0) this.fail("unterminated processing instruction");
      this.pos = this.pos + 2;
      const target = this.name();
      const v = this.s.substring(this.pos, end);
      let k = 0;
      while (k < v.length && isSpace(v.charCodeAt(k))) k = k + 1;
      this.pos = end + 2;
      if (target === "xml" || target === "XML") {
        return undefined;
      }
      return { type: "pi", target: target, value: v.substring(k) };
    }
    this.fail("unexpected markup");
  }

  /** Element whose "<" is at pos. Iterative (explicit stack) so depth never exhausts the C stack. */
  element(): XmlElement {
    const stack: XmlElement[] = [];
    let root: XmlElement | undefined = undefined;
    for (;;) {
      // At "<" of a start tag.
      const tagStart = this.pos;
      this.pos = this.pos + 1;
      const el: XmlElement = { type: "element", name: this.name(), attrs: {}, attrNames: [], children: [], line: this.lineAt(tagStart) };
      this.elements = this.elements + 1;
      if (this.elements > this.maxElements) this.limit("has more than " + fmtNum(this.maxElements) + " elements");
      if (stack.length + 1 > this.maxDepth) this.limit("nested deeper than " + fmtNum(this.maxDepth) + " levels");
      let selfClosing = false;
      for (;;) {
        const hadSpace = isSpace(this.code());
        this.skipSpace();
        const c = this.code();
        if (c === 62) {
          this.pos = this.pos + 1;
          break;
        }
        if (c === 47) {
          if (this.s.substring(this.pos + 1, this.pos + 2) !== ">") this.fail("expected /> in tag <" + el.name + ">");
          this.pos = this.pos + 2;
          selfClosing = true;
          break;
        }
        if (c < 0) this.fail("unterminated start tag <" + el.name + ">", tagStart);
        if (!hadSpace) this.fail("expected space between attributes in <" + el.name + ">");
        const an = this.name();
        this.skipSpace();
        if (this.code() !== 61) this.fail("attribute " + an + " has no value");
        this.pos = this.pos + 1;
        this.skipSpace();
        const q = this.code();
        if (q !== 34 && q !== 39) this.fail("attribute " + an + " value is not quoted");
        const close = this.s.indexOf(q === 34 ? "\"" : "'", this.pos + 1);
        if (close < 0) this.fail("unterminated value of attribute " + an);
        const raw = this.s.substring(this.pos + 1, close);
        if (raw.indexOf("<") >= 0) this.fail("'<' in value of attribute " + an);
        if (el.attrs[an] !== undefined) this.fail("duplicate attribute " + an + " in <" + el.name + ">");
        if (el.attrNames.length >= this.maxAttributes) this.limit("element <" + el.name + "> has more than " + fmtNum(this.maxAttributes) + " attributes");
        el.attrs[an] = this.decode(raw, this.pos);
        el.attrNames.push(an);
        this.pos = close + 1;
      }
      if (stack.length > 0) stack[stack.length - 1].children.push(el);
      else root = el;
      if (!selfClosing) stack.push(el);
      // Content until the next start tag (loop again) or until the stack empties.
      let descend = false;
      while (!descend && stack.length > 0) {
        const cur = stack[stack.length - 1];
        if (this.pos >= this.s.length) this.fail("element <" + cur.name + "> (line " + fmtNum(cur.line) + ") is not closed");
        if (this.code() !== 60) {
          const t = this.text();
          let blank = true;
          for (let k = 0; k < t.length && blank; k++) if (!isSpace(t.charCodeAt(k))) blank = false;
          if (!blank) cur.children.push({ type: "text", value: t });
        } else if (this.startsWith("</")) {
          this.pos = this.pos + 2;
          const n = this.name();
          if (n !== cur.name) this.fail("</" + n + "> does not close <" + cur.name + "> (line " + fmtNum(cur.line) + ")");
          this.skipSpace();
          if (this.code() !== 62) this.fail("expected > after </" + n);
          this.pos = this.pos + 1;
          stack.pop();
        } else if (this.startsWith("<!") || this.startsWith("<?")) {
          const node = this.special(true);
          if (node !== undefined) cur.children.push(node);
          else this.fail("XML declaration inside an element");
        } else {
          descend = true;
        }
      }
      if (!descend) return root as XmlElement;
    }
  }
}

/** Parse a whole document. Throws ProbeError EXML (malformed) or ELIMIT (bounds). */
export function parseXml(text: string, limits?: XmlLimits): XmlDocument {
  const maxBytes = limits !== undefined && limits.maxBytes !== undefined ? limits.maxBytes : XML_DEFAULT_MAX_BYTES;
  if (text.length > maxBytes) throw new ProbeError("ELIMIT", "XML document larger than " + fmtNum(maxBytes) + " bytes");
  const r = new XmlReader(
    text,
    limits !== undefined && limits.maxDepth !== undefined ? limits.maxDepth : 64,
    limits !== undefined && limits.maxElements !== undefined ? limits.maxElements : 200000,
    limits !== undefined && limits.maxAttributes !== undefined ? limits.maxAttributes : 256,
  );
  // Byte-order mark (U+FEFF is 3 bytes where strings are bytes).
  if (r.startsWith("\uFEFF")) r.pos = "\uFEFF".length;
  const misc: XmlNode[] = [];
  let root: XmlElement | undefined = undefined;
  for (;;) {
    r.skipSpace();
    if (r.pos >= text.length) break;
    if (r.code() !== 60) r.fail(root === undefined ? "content before the root element" : "content after the root element");
    if (r.startsWith("<!") || r.startsWith("<?")) {
      const n = r.special(false);
      if (n !== undefined) misc.push(n);
    } else {
      if (root !== undefined) r.fail("more than one root element");
      root = r.element();
    }
  }
  if (root === undefined) r.fail("no root element");
  return { root: root as XmlElement, misc: misc };
}

/** Local part of a qualified name ("cenc:pssh" -> "pssh"). */
export function localName(name: string): string {
  const c = name.indexOf(":");
  return c < 0 ? name : name.substring(c + 1);
}

/** Child elements, optionally only those with this local name. */
export function childElements(el: XmlElement, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.type === "element" && (local === undefined || localName(c.name) === local)) out.push(c);
  }
  return out;
}

/** First child element with this local name. */
export function firstChild(el: XmlElement, local: string): XmlElement | undefined {
  for (const c of el.children) {
    if (c.type === "element" && localName(c.name) === local) return c;
  }
  return undefined;
}

/** Concatenated text and CDATA content of the element's direct children. */
export function textContent(el: XmlElement): string {
  const parts: string[] = [];
  for (const c of el.children) if (c.type === "text" || c.type === "cdata") parts.push(c.value);
  return parts.join("");
}
