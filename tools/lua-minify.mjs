// Lua 5.1 minifier for the typescript-to-lua bundle (issue #13: the OpenWrt .ipk must fit
// in 60 KB). It tokenises the chunk, parses it far enough to resolve every name to its
// declaration, renames locals and parameters to short names, and re-emits the tokens
// with only the whitespace that keeps two tokens apart. Globals, table fields, `self`
// and `arg` keep their names. Output is deterministic: same input, same bytes.
//
// Renaming is by live range, as in LuaSrcDiet: a local's range runs from the token where
// it becomes visible to its last reference. Two locals may share a name when their ranges
// are disjoint; a later declaration can then only shadow a local that is no longer
// referenced, so every reference still resolves to the same declaration as before.

const KEYWORDS = new Set([
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in",
  "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
]);
// Never generated as a new name: reserved in LuaJIT (`goto`) or a name we never rename.
const NEVER_GENERATE = new Set(["goto", "self", "arg"]);
// Kept as written: `self` by request of the callers (and it is implicit in `a:b()`
// methods); `arg` because Lua 5.1 (LUA_COMPAT_VARARG) gives every vararg function a hidden
// local `arg` while LuaJIT does not, so renaming a local `arg` could change which one a
// reference means on one of the two runtimes. Never renaming any `arg` (and never
// generating it) leaves every `arg` reference meaning what it meant on both.
const FIXED = new Set(["self", "arg"]);

export class LuaMinifyError extends Error {
  constructor(message, line) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "LuaMinifyError";
    this.line = line;
  }
}

const isIdentStart = (c) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const isDigit = (c) => c >= "0" && c <= "9";
const isIdentChar = (c) => isIdentStart(c) || isDigit(c);

// Token kinds: name, keyword, number, string, op, eof.
function tokenize(src) {
  const toks = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  let shebang = "";
  // loadfile() skips a first line starting with '#'.
  if (src.startsWith("#")) {
    const e = src.search(/[\r\n]/);
    shebang = e < 0 ? src : src.slice(0, e);
    i = shebang.length;
  }
  const countLines = (from, to) => {
    for (let k = from; k < to; k++) {
      if (src[k] === "\n" || (src[k] === "\r" && src[k + 1] !== "\n")) line++;
    }
  };
  // At '[': the level of a long bracket opening here, or -1.
  const longOpen = (at) => {
    let k = at + 1;
    while (src[k] === "=") k++;
    return src[k] === "[" ? k - at - 1 : -1;
  };
  // End index (exclusive) of the long bracket opened at `at` with `level` '='s.
  const longEnd = (at, level, what) => {
    const close = "]" + "=".repeat(level) + "]";
    const e = src.indexOf(close, at + level + 2);
    if (e < 0) throw new LuaMinifyError(`unfinished long ${what}`, line);
    return e + close.length;
  };
  while (i < n) {
    const c = src[i];
    if (c === "\n" || c === "\r") {
      if (c === "\n" || src[i + 1] !== "\n") line++;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\f" || c === "\v") {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    if (c === "-" && src[i + 1] === "-") {
      i += 2;
      if (src[i] === "[") {
        const level = longOpen(i);
        if (level >= 0) {
          const e = longEnd(i, level, "comment");
          countLines(i, e);
          i = e;
          continue;
        }
      }
      while (i < n && src[i] !== "\n" && src[i] !== "\r") i++;
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentChar(src[i])) i++;
      const v = src.slice(start, i);
      toks.push({ k: KEYWORDS.has(v) ? "keyword" : "name", v, line: startLine, eline: line });
      continue;
    }
    if (isDigit(c) || (c === "." && isDigit(src[i + 1] ?? ""))) {
      // Lua 5.1 read_numeral: [0-9.]* then [Ee][+-]? then [A-Za-z0-9_]*.
      while (i < n && (isDigit(src[i]) || src[i] === ".")) i++;
      if (src[i] === "e" || src[i] === "E") {
        i++;
        if (src[i] === "+" || src[i] === "-") i++;
      }
      while (i < n && isIdentChar(src[i])) i++;
      toks.push({ k: "number", v: src.slice(start, i), line: startLine, eline: line });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      for (;;) {
        if (i >= n) throw new LuaMinifyError("unfinished string", startLine);
        const d = src[i];
        if (d === c) {
          i++;
          break;
        }
        if (d === "\n" || d === "\r") throw new LuaMinifyError("unfinished string", line);
        if (d === "\\") {
          const e = src[i + 1];
          if (e === "\n" || e === "\r") {
            // An escaped line break is part of the string; \r\n and \n\r count once.
            line++;
            const f = src[i + 2];
            i += (f === "\n" || f === "\r") && f !== e ? 3 : 2;
            continue;
          }
          i += 2;
          continue;
        }
        i++;
      }
      toks.push({ k: "string", v: src.slice(start, i), line: startLine, eline: line });
      continue;
    }
    if (c === "[") {
      const level = longOpen(i);
      if (level >= 0) {
        const e = longEnd(i, level, "string");
        countLines(i, e);
        i = e;
        toks.push({ k: "string", v: src.slice(start, i), line: startLine, eline: line });
        continue;
      }
      if (src[i + 1] === "=") throw new LuaMinifyError("invalid long string delimiter", line);
    }
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    let op;
    if (three === "...") op = three;
    else if (two === ".." || two === "==" || two === "~=" || two === "<=" || two === ">=") op = two;
    else if ("+-*/%^#<>=(){}[];:,.".includes(c)) op = c;
    else throw new LuaMinifyError(`unexpected character ${JSON.stringify(c)}`, line);
    i += op.length;
    toks.push({ k: "op", v: op, line: startLine, eline: line });
  }
  toks.push({ k: "eof", v: "", line });
  return { toks, shebang };
}

class Scope {
  constructor(parent) {
    this.parent = parent;
    this.names = new Map();
  }
}

// Resolves names. Fills, per token index: vars[i] (the local a name token declares or
// refers to) and dropSemi[i] (a statement ';' that may go).
class Parser {
  constructor(toks) {
    this.toks = toks;
    this.p = 0;
    this.vars = new Array(toks.length);
    this.allVars = [];
    this.globals = new Set();
    this.dropSemi = new Uint8Array(toks.length);
    this.scope = new Scope(null);
  }

  get tok() {
    return this.toks[this.p];
  }
  fail(msg) {
    const t = this.tok;
    throw new LuaMinifyError(`${msg} near ${t.k === "eof" ? "<eof>" : JSON.stringify(t.v)}`, t.line);
  }
  is(v) {
    const t = this.tok;
    return (t.k === "op" || t.k === "keyword") && t.v === v;
  }
  accept(v) {
    if (this.is(v)) {
      this.p++;
      return true;
    }
    return false;
  }
  expect(v) {
    if (!this.accept(v)) this.fail(`'${v}' expected`);
  }
  nameTok() {
    if (this.tok.k !== "name") this.fail("name expected");
    return this.p++;
  }

  open() {
    this.scope = new Scope(this.scope);
  }
  close() {
    this.scope = this.scope.parent;
  }
  // A local visible from token index `act` on.
  declare(tokIdx, act) {
    const name = this.toks[tokIdx].v;
    const v = { name, fixed: FIXED.has(name), refs: 1, act, last: act, order: this.allVars.length, newName: name };
    this.vars[tokIdx] = v;
    this.allVars.push(v);
    this.scope.names.set(name, v);
    return v;
  }
  declareImplicit(name, act) {
    const v = { name, fixed: true, refs: 0, act, last: act, order: this.allVars.length, newName: name };
    this.allVars.push(v);
    this.scope.names.set(name, v);
  }
  reference(tokIdx) {
    const name = this.toks[tokIdx].v;
    for (let s = this.scope; s; s = s.parent) {
      const v = s.names.get(name);
      if (v) {
        this.vars[tokIdx] = v;
        v.refs++;
        if (tokIdx > v.last) v.last = tokIdx;
        return;
      }
    }
    this.globals.add(name);
  }

  chunk() {
    this.block();
    if (this.tok.k !== "eof") this.fail("'<eof>' expected");
  }

  blockEnds() {
    const t = this.tok;
    if (t.k === "eof") return true;
    return t.k === "keyword" && (t.v === "end" || t.v === "else" || t.v === "elseif" || t.v === "until");
  }

  block() {
    while (!this.blockEnds()) {
      if (this.is("return")) {
        this.p++;
        if (!this.blockEnds() && !this.is(";")) this.exprList();
        if (this.is(";")) this.dropSemi[this.p++] = 1;
        if (!this.blockEnds()) this.fail("'end' expected");
        return;
      }
      if (this.is("break")) {
        this.p++;
        if (this.is(";")) this.dropSemi[this.p++] = 1;
        if (!this.blockEnds()) this.fail("'end' expected");
        return;
      }
      this.statement();
      if (this.is(";")) this.dropSemi[this.p++] = 1;
    }
  }

  statement() {
    const t = this.tok;
    if (t.k === "keyword") {
      switch (t.v) {
        case "if":
          this.p++;
          this.expr();
          this.expect("then");
          this.scopedBlock();
          while (this.accept("elseif")) {
            this.expr();
            this.expect("then");
            this.scopedBlock();
          }
          if (this.accept("else")) this.scopedBlock();
          this.expect("end");
          return;
        case "while":
          this.p++;
          this.expr();
          this.expect("do");
          this.scopedBlock();
          this.expect("end");
          return;
        case "do":
          this.p++;
          this.scopedBlock();
          this.expect("end");
          return;
        case "for":
          this.p++;
          this.forStat();
          return;
        case "repeat":
          // The condition is inside the body's scope.
          this.p++;
          this.open();
          this.block();
          this.expect("until");
          this.expr();
          this.close();
          return;
        case "function": {
          this.p++;
          // funcname: Name {'.' Name} [':' Name]; the first Name is a variable.
          this.reference(this.nameTok());
          while (this.accept(".")) this.nameTok();
          const method = this.accept(":");
          if (method) this.nameTok();
          this.funcBody(method);
          return;
        }
        case "local":
          this.p++;
          if (this.accept("function")) {
            // `local function f` sees itself.
            const nt = this.nameTok();
            this.declare(nt, nt);
            this.funcBody(false);
            return;
          }
          this.localStat();
          return;
        default:
          this.fail("unexpected keyword");
      }
    }
    // exprstat: a call, or an assignment `varlist = explist`.
    const kind = this.suffixedExpr();
    if (this.is("=") || this.is(",")) {
      if (kind !== "var") this.fail("syntax error");
      while (this.accept(",")) {
        if (this.suffixedExpr() !== "var") this.fail("syntax error");
      }
      this.expect("=");
      this.exprList();
    } else if (kind !== "call") {
      this.fail("syntax error");
    }
  }

  scopedBlock() {
    this.open();
    this.block();
    this.close();
  }

  localStat() {
    const names = [this.nameTok()];
    while (this.accept(",")) names.push(this.nameTok());
    if (this.accept("=")) this.exprList();
    // `local x = x`: the new locals are visible only after the statement.
    const act = this.p;
    for (const nt of names) this.declare(nt, act);
  }

  forStat() {
    const first = this.nameTok();
    if (this.accept("=")) {
      this.expr();
      this.expect(",");
      this.expr();
      if (this.accept(",")) this.expr();
      const act = this.p;
      this.expect("do");
      this.open();
      this.declare(first, act);
      this.block();
      this.close();
      this.expect("end");
      return;
    }
    const names = [first];
    while (this.accept(",")) names.push(this.nameTok());
    this.expect("in");
    this.exprList();
    const act = this.p;
    this.expect("do");
    this.open();
    for (const nt of names) this.declare(nt, act);
    this.block();
    this.close();
    this.expect("end");
  }

  funcBody(method) {
    const open = this.p;
    this.expect("(");
    this.open();
    if (method) this.declareImplicit("self", open);
    const params = [];
    if (!this.is(")")) {
      for (;;) {
        if (this.accept("...")) break;
        params.push(this.nameTok());
        if (!this.accept(",")) break;
      }
    }
    const act = this.p;
    this.expect(")");
    for (const nt of params) this.declare(nt, act);
    this.block();
    this.expect("end");
    this.close();
  }

  exprList() {
    this.expr();
    while (this.accept(",")) this.expr();
  }

  // Precedence does not matter for name resolution: operands are parsed left to right.
  expr() {
    for (;;) {
      while (this.is("not") || this.is("-") || this.is("#")) this.p++;
      this.simpleExpr();
      const t = this.tok;
      const binop =
        (t.k === "op" && ["+", "-", "*", "/", "%", "^", "..", "==", "~=", "<", "<=", ">", ">="].includes(t.v)) ||
        (t.k === "keyword" && (t.v === "and" || t.v === "or"));
      if (!binop) return;
      this.p++;
    }
  }

  simpleExpr() {
    const t = this.tok;
    if (t.k === "number" || t.k === "string") {
      this.p++;
      return;
    }
    if (t.k === "keyword") {
      if (t.v === "nil" || t.v === "true" || t.v === "false") {
        this.p++;
        return;
      }
      if (t.v === "function") {
        this.p++;
        this.funcBody(false);
        return;
      }
    }
    if (this.is("...")) {
      this.p++;
      return;
    }
    if (this.is("{")) {
      this.table();
      return;
    }
    this.suffixedExpr();
  }

  // Returns "var" when the expression can be assigned to, "call" when it ends in a call.
  suffixedExpr() {
    let kind;
    if (this.tok.k === "name") {
      this.reference(this.p++);
      kind = "var";
    } else if (this.accept("(")) {
      this.expr();
      this.expect(")");
      kind = "paren";
    } else {
      this.fail("unexpected symbol");
    }
    for (;;) {
      const t = this.tok;
      if (t.k === "op") {
        if (t.v === ".") {
          this.p++;
          this.nameTok();
          kind = "var";
          continue;
        }
        if (t.v === "[") {
          this.p++;
          this.expr();
          this.expect("]");
          kind = "var";
          continue;
        }
        if (t.v === ":") {
          this.p++;
          this.nameTok();
          this.callArgs();
          kind = "call";
          continue;
        }
        if (t.v === "(" || t.v === "{") {
          this.callArgs();
          kind = "call";
          continue;
        }
      } else if (t.k === "string") {
        this.callArgs();
        kind = "call";
        continue;
      }
      return kind;
    }
  }

  callArgs() {
    const t = this.tok;
    if (t.k === "string") {
      this.p++;
      return;
    }
    if (this.is("{")) {
      this.table();
      return;
    }
    // Lua 5.1 refuses `f\n(g)`; joined onto one line it would become a call.
    if (this.is("(") && this.tok.line !== this.toks[this.p - 1].eline) {
      this.fail("ambiguous syntax (function call x new statement)");
    }
    this.expect("(");
    if (!this.is(")")) this.exprList();
    this.expect(")");
  }

  table() {
    this.expect("{");
    while (!this.is("}")) {
      if (this.is("[")) {
        this.p++;
        this.expr();
        this.expect("]");
        this.expect("=");
        this.expr();
      } else if (this.tok.k === "name" && this.toks[this.p + 1].k === "op" && this.toks[this.p + 1].v === "=") {
        this.p += 2; // `name = value`: the name is a key, not a variable
        this.expr();
      } else {
        this.expr();
      }
      if (!this.accept(",") && !this.accept(";")) break;
    }
    this.expect("}");
  }
}

// Candidate names, shortest first, skipping keywords and every name the chunk uses as a
// global (a local with that name would capture the global's references).
function* candidateNames(globals) {
  // Letters ordered by how often they occur in the bundle's other words (keywords, fields,
  // strings): names made of common letters give gzip's Huffman coder less to pay for.
  const first = "entloairsdcfuhpm_gbywTSEvkxMIANPRqOCULDjFXBzHGKYVWJQZ";
  const rest = first + "0123456789";
  const ok = (s) => !KEYWORDS.has(s) && !NEVER_GENERATE.has(s) && !globals.has(s);
  for (const a of first) if (ok(a)) yield a;
  for (let len = 2; ; len++) {
    // All names of this length in a fixed order.
    const idx = new Array(len).fill(0);
    for (;;) {
      let s = first[idx[0]];
      for (let k = 1; k < len; k++) s += rest[idx[k]];
      if (ok(s)) yield s;
      let k = len - 1;
      while (k >= 1 && ++idx[k] === rest.length) idx[k--] = 0;
      if (k === 0 && ++idx[0] === first.length) break;
    }
  }
}

// Greedy: most referenced locals first, each taking the first name not held by a local
// whose live range overlaps its own.
function assignNames(vars, globals) {
  const todo = vars.filter((v) => !v.fixed);
  todo.sort((a, b) => b.refs - a.refs || a.act - b.act || a.order - b.order);
  const names = []; // { name, starts: number[], ends: number[] } with ranges sorted by start
  const gen = candidateNames(globals);
  const free = (slot, v) => {
    // Ranges in a slot are disjoint, so sorted by start they are also sorted by end.
    const { starts, ends } = slot;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] < v.act) lo = mid + 1;
      else hi = mid;
    }
    // `lo` is the first range ending at or after v.act; it overlaps unless it starts after v.last.
    return lo === starts.length || starts[lo] > v.last ? lo : -1;
  };
  for (const v of todo) {
    let placed = false;
    for (const slot of names) {
      const at = free(slot, v);
      if (at >= 0) {
        slot.starts.splice(at, 0, v.act);
        slot.ends.splice(at, 0, v.last);
        v.newName = slot.name;
        placed = true;
        break;
      }
    }
    if (!placed) {
      const name = gen.next().value;
      names.push({ name, starts: [v.act], ends: [v.last] });
      v.newName = name;
    }
  }
}

// Whether `b` written right after `a` would lex differently from the two tokens.
function needsSpace(a, aKind, b) {
  const x = a[a.length - 1];
  const y = b[0];
  if (isIdentChar(x) && isIdentChar(y)) return true;
  if (aKind === "number") {
    if (y === "." || isIdentChar(y)) return true;
    // LuaJIT reads a sign after e/E/p/P as part of a number.
    if ((y === "+" || y === "-") && /[eEpP]$/.test(a)) return true;
  }
  if (x === "-" && y === "-") return true;
  if (x === "." && y === ".") return true;
  if (x === "[" && (y === "[" || y === "=")) return true;
  if ((x === "=" || x === "<" || x === ">" || x === "~") && y === "=") return true;
  return false;
}

/** Minifies one Lua 5.1 chunk; throws LuaMinifyError on input it cannot parse. */
export function minifyLua(source) {
  const { toks, shebang } = tokenize(source);
  const parser = new Parser(toks);
  parser.chunk();
  assignNames(parser.allVars, parser.globals);
  const out = [];
  if (shebang) out.push(shebang, "\n");
  let prev = null;
  let prevKind = null;
  for (let i = 0; i < toks.length - 1; i++) {
    const t = toks[i];
    if (parser.dropSemi[i]) {
      // Kept only before '(' where it separates `a = b; (f)()` from a call `b(f)()`.
      const next = toks[i + 1];
      if (!(next.k === "op" && next.v === "(")) continue;
    }
    const v = parser.vars[i];
    const text = v ? v.newName : t.v;
    // One line: a space gzips slightly better than a newline at statement starts (0.3%).
    if (prev !== null && needsSpace(prev, prevKind, text)) out.push(" ");
    out.push(text);
    prev = text;
    prevKind = t.k;
  }
  out.push("\n");
  return out.join("");
}

/**
 * The TSTL bundle without the modules whose name starts with one of `prefixes`: each
 * module is a `["name"] = function(...)` line up to the next such line (or the bundle's
 * closing `}`). For measuring optional parts; requires of a dropped module fail at run time.
 */
export function dropBundleModules(bundle, prefixes) {
  const lines = bundle.split("\n");
  // The modules table closes with the last line that is a lone `}`.
  let close = lines.length;
  while (close > 0 && !/^\s*}\s*$/.test(lines[close - 1])) close--;
  const out = [];
  let dropping = false;
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*\["([^"]+)"\] = function\(\.\.\.\)\s*$/.exec(lines[i]);
    if (m) dropping = prefixes.some((p) => m[1].startsWith(p));
    else if (i === close - 1) dropping = false;
    if (!dropping) out.push(lines[i]);
  }
  return out.join("\n");
}
