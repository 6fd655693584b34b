// Portability lint for core/: flags TypeScript that typescript-to-lua 1.37.1 refuses for
// Lua 5.1, and TypeScript that compiles but behaves differently on Lua than on QuickJS.
// Facts behind each rule: /work/shared/PORTABILITY.md; table: tools/lint-rules.md.
//
//   node --import tsx tools/lint-portable.ts core [more folders or files]   (npm run lint)
//   prints `file:line:col rule: message` per hit; exit 1 when there are hits.
//
// Uses the TypeScript type checker (a program over tsconfig.json) for the type-dependent
// rules. Escape hatch: `// portable-ok: <reason>` on the line directly above suppresses the
// first hit on the next line; a reason is required, and a comment that suppresses nothing
// is itself reported (rule portable-ok).
//
// Refused by TSTL on Lua 5.1 (caught here before a Lua build):
//   bitwise             & | ^ ~ << >> >>> and their assignments: no bit operators in Lua 5.1.
//   regex               regex literals and RegExp: Lua has no regular expressions.
//   label               labeled statements: Lua 5.1 has no goto/labels for break/continue.
//   bigint              BigInt literals and BigInt(): no arbitrary-precision integers.
//   string-method       lastIndexOf, search, replaceAll, at, codePointAt, normalize, match...
//                       on strings: TSTL has no translation (replaceAll/at are also
//                       missing from the project's ES2020 lib).
//   array-at            .at() on arrays: kept off for symmetry with strings (compiles in
//                       TSTL 1.37.1 through a lualib helper; use arr[arr.length - 1]).
//   unsupported-builtin other members TSTL 1.37.1 cannot translate (Math.hypot,
//                       Number.isSafeInteger, arr.lastIndexOf, arr.keys() ...).
//   array-hole          `undefined` or holes in array literals: TSTL refuses; nil ends arrays.
//   generator-try       try inside a generator: TSTL refuses it (coroutines + pcall).
//   private-name        #private names: crash the compiler.
//
// Compile silently but behave differently:
//   continue-in-switch  continue inside a switch inside a loop acts like break.
//   loop-closure        closures share a C-style for (let i...) counter (3,3,3 not 0,1,2).
//   modulo              % follows Lua: -7 % 3 is 2 (use mod() from core/util/num.ts).
//   truthiness          0 and "" are truthy on Lua: !x, x || y, x && y, x ? :, if/while (x)
//                       where x's type includes number or string.
//   default-sort        sort() without a comparator is not string order and unstable.
//   number-method       toFixed/toPrecision/toString() on numbers format differently
//                       (toFixed(0) even differs between Lua 5.1 and LuaJIT): use fmtNum.
//   number-format       String(n), `${n}`, "s" + n: Lua's tostring (0.3, 1e+15, nan).
//   parse-number        parseFloat/parseInt: TSTL's parseFloat ignores exponents; parseNum.
//   lua-global          JSON, Date, console, typed arrays, DataView, Intl, Symbol (but
//                       Symbol.iterator), setTimeout/setInterval... are absent on Lua.
//   spread              f(...a), new C(...a), [...a]: "too many results to unpack" ~8000.
//   assign-undefined    x.p = undefined / a[i] = undefined deletes the key or makes a hole.
//   array-delete        delete a[i] makes a hole: length and iteration change.
//   array-length        arr.length = n: growing makes holes; assign through splice instead.
//   for-in              for...in: order is hash order and arrays are 1-based underneath.
//   loose-equality      == / != : coercion rules differ; use === / !==.
//   typeof-bigint-symbol typeof x === "bigint" | "symbol" is never true (Symbol: "object").
//   catch-instanceof    e instanceof Error on a catch variable: a Lua runtime error is a
//                       string; use asProbeError from core/util/errors.ts.
//   push-call           arr.push(f()) loses elements when f() also pushes to arr (flagged
//                       when arr is referenced inside the call or in f's own body).
//   portable-ok         a portable-ok comment without a reason, or one suppressing nothing.
// Not checked: Object.keys order dependence (not decidable), string length in bytes.
import ts from "typescript";
import { readdirSync, statSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface Hit {
  file: string;
  line: number;
  col: number;
  rule: string;
  message: string;
}

export type RuleKind = "refused" | "silent" | "meta";
export const RULES: Record<string, { kind: RuleKind; why: string }> = {
  bitwise: { kind: "refused", why: "TSTL refuses bitwise operators for Lua 5.1 (no bit operators)" },
  regex: { kind: "refused", why: "TSTL refuses regular expressions (Lua has only patterns)" },
  label: { kind: "refused", why: "TSTL refuses labeled statements on 5.1 (no goto)" },
  bigint: { kind: "refused", why: "TSTL refuses BigInt" },
  "string-method": { kind: "refused", why: "TSTL has no translation for this string method" },
  "array-at": { kind: "refused", why: "arr.at(): kept off (strings refuse .at); use arr[arr.length - 1]" },
  "unsupported-builtin": { kind: "refused", why: "TSTL 1.37.1 cannot translate this built-in member" },
  "array-hole": { kind: "refused", why: "TSTL refuses undefined in array literals; nil ends Lua arrays" },
  "generator-try": { kind: "refused", why: "TSTL refuses try/catch inside generators" },
  "private-name": { kind: "refused", why: "#private names crash TSTL" },
  "continue-in-switch": { kind: "silent", why: "continue inside switch acts like break on Lua" },
  "loop-closure": { kind: "silent", why: "closures share one C-style for (let i) counter on Lua" },
  modulo: { kind: "silent", why: "% has Lua semantics (-7 % 3 is 2); use mod() from core/util/num.ts" },
  truthiness: { kind: "silent", why: "0, NaN and \"\" are truthy on Lua; compare explicitly" },
  "default-sort": { kind: "silent", why: "sort() without comparator is not string order and is unstable on Lua" },
  "number-method": { kind: "silent", why: "number toString/toFixed/toPrecision format differently on Lua; use fmtNum" },
  "number-format": { kind: "silent", why: "number to string uses Lua tostring (0.3, 1e+15, nan); use fmtNum" },
  "parse-number": { kind: "silent", why: "TSTL parseFloat ignores exponents, parseInt differs; use parseNum" },
  "lua-global": { kind: "silent", why: "this global does not exist on Lua (compiles, fails at run time)" },
  spread: { kind: "silent", why: "spread uses unpack: ~8000+ elements throw on Lua" },
  "assign-undefined": { kind: "silent", why: "assigning undefined deletes the key / makes an array hole on Lua" },
  "array-delete": { kind: "silent", why: "delete on an array makes a hole; length and iteration change on Lua" },
  "array-length": { kind: "silent", why: "assigning arr.length can make holes; use splice" },
  "for-in": { kind: "silent", why: "for...in walks Lua tables: hash order, no prototype semantics" },
  "loose-equality": { kind: "silent", why: "== / != coercions differ on Lua; use === / !==" },
  "typeof-bigint-symbol": { kind: "silent", why: "typeof is never \"bigint\" and symbols are \"object\" on Lua" },
  "catch-instanceof": { kind: "silent", why: "a caught Lua runtime error is a string, not an Error; use asProbeError" },
  "push-call": { kind: "silent", why: "arr.push(f()) loses elements on Lua when f also pushes to arr" },
  "portable-ok": { kind: "meta", why: "portable-ok needs a reason and must suppress a hit on the next line" },
};

// Members TSTL 1.37.1 translates (dist/transformation/builtins/*.js).
const STRING_OK = new Set([
  "replace", "concat", "indexOf", "substr", "substring", "slice", "toLowerCase", "toUpperCase", "trim", "trimEnd",
  "trimRight", "trimStart", "trimLeft", "split", "charAt", "charCodeAt", "startsWith", "endsWith", "includes",
  "repeat", "padStart", "padEnd", "toString", "length",
]);
const ARRAY_OK = new Set([
  "at", "concat", "entries", "fill", "push", "reverse", "shift", "unshift", "sort", "pop", "forEach", "find",
  "findIndex", "includes", "indexOf", "map", "filter", "reduce", "reduceRight", "some", "every", "slice", "splice",
  "join", "flat", "flatMap", "toReversed", "toSorted", "toSpliced", "with", "length",
]);
const STATIC_OK: Record<string, Set<string>> = {
  Math: new Set([
    "PI", "E", "LN10", "LN2", "LOG10E", "LOG2E", "SQRT1_2", "SQRT2", "atan2", "log10", "log2", "log1p", "pow", "round",
    "sign", "trunc", "abs", "acos", "asin", "atan", "ceil", "cos", "exp", "floor", "log", "max", "min", "random", "sin",
    "sqrt", "tan",
  ]),
  Number: new Set([
    "POSITIVE_INFINITY", "NEGATIVE_INFINITY", "NaN", "EPSILON", "MIN_VALUE", "MIN_SAFE_INTEGER", "MAX_SAFE_INTEGER",
    "MAX_VALUE", "isInteger", "isNaN", "isFinite", "parseInt", "parseFloat",
  ]),
  Object: new Set([
    "assign", "defineProperty", "entries", "fromEntries", "getOwnPropertyDescriptor", "getOwnPropertyDescriptors",
    "groupBy", "keys", "values",
  ]),
  String: new Set(["fromCharCode"]),
  Array: new Set(["from", "isArray", "of"]),
};
const STRING_REFUSED_ALWAYS = new Set(["replaceAll", "at", "lastIndexOf", "search"]);
const LUA_ABSENT_GLOBALS = new Set([
  "JSON", "Date", "console", "Intl", "DataView", "ArrayBuffer", "SharedArrayBuffer", "Symbol", "setTimeout",
  "setInterval", "clearTimeout", "clearInterval", "setImmediate", "queueMicrotask", "TextEncoder", "TextDecoder",
  "structuredClone", "fetch", "performance", "process",
  "Uint8Array", "Int8Array", "Uint8ClampedArray", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
]);
const ERROR_CLASSES = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"]);
const SYNC_CALLBACK_METHODS = new Set([
  "map", "filter", "forEach", "some", "every", "find", "findIndex", "reduce", "reduceRight", "sort", "flatMap",
  "toSorted",
]);

const BITWISE = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.AmpersandToken, ts.SyntaxKind.BarToken, ts.SyntaxKind.CaretToken,
  ts.SyntaxKind.LessThanLessThanToken, ts.SyntaxKind.GreaterThanGreaterThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken, ts.SyntaxKind.AmpersandEqualsToken,
  ts.SyntaxKind.BarEqualsToken, ts.SyntaxKind.CaretEqualsToken, ts.SyntaxKind.LessThanLessThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanEqualsToken, ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken,
]);

function loadConfig(tsconfig: string | undefined): ts.ParsedCommandLine {
  const cfgPath = tsconfig ?? ts.findConfigFile(process.cwd(), ts.sys.fileExists, "tsconfig.json");
  if (cfgPath === undefined) return { options: { strict: true, noEmit: true }, fileNames: [], errors: [] };
  const read = ts.readConfigFile(cfgPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  return ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(path.resolve(cfgPath)));
}

/** Lints the given .ts files with the type checker of `tsconfig` (default: nearest tsconfig.json). */
export function lintFiles(files: string[], tsconfig?: string): Hit[] {
  const cfg = loadConfig(tsconfig);
  const wanted = files.map((f) => path.resolve(f));
  const program = ts.createProgram({
    rootNames: [...new Set([...cfg.fileNames.map((f) => path.resolve(f)), ...wanted])],
    options: { ...cfg.options, noEmit: true },
  });
  const checker = program.getTypeChecker();
  const hits: Hit[] = [];
  for (const f of wanted) {
    const sf = program.getSourceFile(f);
    if (sf === undefined) throw new Error("not in the program: " + f);
    hits.push(...lintSourceFile(sf, program, checker));
  }
  return hits;
}

function lintSourceFile(sf: ts.SourceFile, program: ts.Program, checker: ts.TypeChecker): Hit[] {
  const found = new Map<string, { node: ts.Node; pos: number; rule: string; message: string }>();
  const report = (node: ts.Node, rule: string, message: string, at?: number): void => {
    const pos = at ?? node.getStart(sf);
    const key = pos + ":" + rule;
    if (!found.has(key)) found.set(key, { node, pos, rule, message });
  };

  const fromLib = (sym: ts.Symbol | undefined): boolean => {
    if (sym === undefined) return true; // unresolved: not declared by the project
    const decls = sym.declarations ?? [];
    if (decls.length === 0) return true;
    return decls.every((d) => {
      const s = d.getSourceFile();
      return program.isSourceFileDefaultLibrary(s) || program.isSourceFileFromExternalLibrary(s);
    });
  };
  const resolve = (node: ts.Node): ts.Symbol | undefined => {
    let s = checker.getSymbolAtLocation(node);
    if (s !== undefined && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
    return s;
  };
  // A global when unresolved, declared by a lib, or only declared ambiently (`declare`):
  // declaring `setTimeout` does not make it exist on Lua.
  const isGlobalRef = (id: ts.Identifier, names: Set<string>): boolean => {
    if (!names.has(id.text) || !isValueIdentifier(id)) return false;
    const sym = resolve(id);
    if (fromLib(sym)) return true;
    return (sym?.declarations ?? []).every((d) => d.getSourceFile().isDeclarationFile ||
      (ts.getCombinedModifierFlags(d as ts.Declaration) & ts.ModifierFlags.Ambient) !== 0);
  };

  const typeHas = (t: ts.Type, mask: ts.TypeFlags): boolean => {
    if (t.isUnion() || t.isIntersection()) return t.types.some((u) => typeHas(u, mask));
    if (t.flags & ts.TypeFlags.TypeParameter) {
      const c = checker.getBaseConstraintOfType(t);
      return c !== undefined && c !== t && typeHas(c, mask);
    }
    return (t.flags & mask) !== 0;
  };
  const NUM = ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike;
  const NUM_OR_STR = NUM | ts.TypeFlags.StringLike;
  const typeOf = (e: ts.Node): ts.Type => checker.getTypeAtLocation(e);
  const isStringType = (t: ts.Type): boolean =>
    t.isUnion() ? t.types.every(isStringType) : (t.flags & ts.TypeFlags.StringLike) !== 0 ||
      (t.isIntersection() && t.types.some(isStringType));
  const isNumberType = (t: ts.Type): boolean =>
    t.isUnion() ? t.types.every(isNumberType) : (t.flags & ts.TypeFlags.NumberLike) !== 0;
  const isArrayType = (t: ts.Type): boolean => {
    const n = checker.getNonNullableType(t);
    if (n.isUnion()) return n.types.length > 0 && n.types.every(isArrayType);
    return checker.isArrayType(n) || checker.isTupleType(n);
  };

  // Truthiness: decompose !, &&, || and parentheses; report leaves typed number/string.
  const checkCond = (e: ts.Expression): void => {
    const x = skipParens(e);
    if (ts.isPrefixUnaryExpression(x) && x.operator === ts.SyntaxKind.ExclamationToken) return checkCond(x.operand);
    if (ts.isBinaryExpression(x) && (x.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken ||
      x.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      checkCond(x.left);
      checkCond(x.right);
      return;
    }
    const t = typeOf(x);
    if (typeHas(t, NUM_OR_STR)) {
      report(x, "truthiness", `'${short(x, sf)}' is ${checker.typeToString(t)}: 0/""/NaN are truthy on Lua; compare explicitly (=== 0, .length > 0, !== undefined)`);
    }
  };

  const inGenerator = (n: ts.Node): boolean => {
    for (let p = n.parent; p !== undefined; p = p.parent) {
      if (ts.isFunctionLike(p)) return (p as ts.FunctionLikeDeclarationBase).asteriskToken !== undefined;
    }
    return false;
  };

  const refsSymbol = (root: ts.Node, sym: ts.Symbol): boolean => {
    let hit = false;
    const walk = (n: ts.Node): void => {
      if (hit) return;
      if ((ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) && checker.getSymbolAtLocation(n) === sym) {
        hit = true;
        return;
      }
      ts.forEachChild(n, walk);
    };
    walk(root);
    return hit;
  };

  const visit = (node: ts.Node): void => {
    // ---- refused ----
    if (ts.isBinaryExpression(node) && BITWISE.has(node.operatorToken.kind)) {
      report(node.operatorToken, "bitwise", `bitwise '${node.operatorToken.getText(sf)}' is refused on Lua 5.1; use arithmetic (Math.floor, *, /)`);
    }
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.TildeToken) {
      report(node, "bitwise", "bitwise '~' is refused on Lua 5.1");
    }
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) report(node, "regex", "regular expressions are refused on Lua; scan with indexOf/substring");
    if (ts.isIdentifier(node) && node.text === "RegExp" && isGlobalRef(node, new Set(["RegExp"]))) {
      report(node, "regex", "RegExp is refused on Lua; scan with indexOf/substring");
    }
    if (ts.isLabeledStatement(node)) report(node, "label", `labeled statement '${node.label.text}:' is refused on Lua 5.1; use a flag or a function`);
    if (ts.isBigIntLiteral(node)) report(node, "bigint", "BigInt literals are refused on Lua");
    if (ts.isIdentifier(node) && node.text === "BigInt" && isGlobalRef(node, new Set(["BigInt"]))) {
      report(node, "bigint", "BigInt is refused on Lua");
    }
    if (ts.isPrivateIdentifier(node)) report(node, "private-name", `#private name '${node.text}' crashes TSTL; use a plain (private) member`);
    if (ts.isTryStatement(node) && inGenerator(node)) report(node, "generator-try", "try inside a generator is refused by TSTL; move it into a helper function");
    if (ts.isArrayLiteralExpression(node)) {
      for (const el of node.elements) {
        if (ts.isOmittedExpression(el)) report(node, "array-hole", "array literal with a hole: refused/unsafe on Lua", el.pos);
        else if (isUndefinedExpr(el, checker)) report(el, "array-hole", "undefined in an array literal is refused by TSTL (nil cannot be stored in a Lua array)");
      }
    }
    if (ts.isPropertyAccessExpression(node) && !ts.isPrivateIdentifier(node.name)) {
      const name = node.name.text;
      const recvType = typeOf(node.expression);
      const memberSym = checker.getSymbolAtLocation(node.name);
      const builtinMember = memberSym === undefined || fromLib(memberSym);
      if (isStringType(recvType) && builtinMember && (STRING_REFUSED_ALWAYS.has(name) || !STRING_OK.has(name))) {
        report(node.name, "string-method", `string.${name} is refused by TSTL for Lua 5.1; use indexOf/substring/split`);
      } else if (isArrayType(recvType) && builtinMember) {
        if (name === "at") report(node.name, "array-at", "arr.at(): use arr[i] / arr[arr.length - 1]");
        else if (!ARRAY_OK.has(name)) report(node.name, "unsupported-builtin", `array.${name} is not translated by TSTL 1.37.1`);
      } else if (ts.isIdentifier(node.expression) && STATIC_OK[node.expression.text] !== undefined &&
        fromLib(resolve(node.expression)) && builtinMember && !STATIC_OK[node.expression.text].has(name) &&
        !(name === "prototype")) {
        const owner = node.expression.text;
        if (!(owner === "Number" && (name === "parseFloat" || name === "parseInt"))) {
          report(node.name, "unsupported-builtin", `${owner}.${name} is not translated by TSTL 1.37.1`);
        }
      }
      // number methods
      if (isNumberType(recvType) && ["toFixed", "toPrecision", "toString", "toExponential", "toLocaleString"].includes(name)) {
        report(node.name, "number-method", `number.${name}() formats differently on Lua (and 5.1 vs LuaJIT); use fmtNum from core/util/num.ts`);
      }
    }

    // ---- silently different ----
    if (ts.isContinueStatement(node) && node.label === undefined) {
      for (let p = node.parent; p !== undefined; p = p.parent) {
        if (ts.isFunctionLike(p) || ts.isIterationStatement(p, false)) break;
        if (ts.isSwitchStatement(p)) {
          report(node, "continue-in-switch", "continue inside a switch acts like break on Lua; use if/else or a flag");
          break;
        }
      }
    }
    if (ts.isForStatement(node) && node.initializer !== undefined && ts.isVariableDeclarationList(node.initializer) &&
      node.initializer.flags & ts.NodeFlags.Let) {
      const syms: ts.Symbol[] = [];
      for (const d of node.initializer.declarations) collectBindingSymbols(d.name, checker, syms);
      const scan = (n: ts.Node): void => {
        if (isClosure(n) && !isSyncCallbackArg(n)) {
          for (const s of syms) {
            if (refsSymbol(n, s)) {
              report(n, "loop-closure", `closure captures loop variable '${s.name}' of a C-style for: on Lua every closure sees its last value; copy it into a const inside the body`);
            }
          }
        }
        ts.forEachChild(n, scan);
      };
      for (const part of [node.condition, node.incrementor, node.statement]) if (part !== undefined) scan(part);
    }
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.PercentToken || op === ts.SyntaxKind.PercentEqualsToken) {
        report(node.operatorToken, "modulo", "% has Lua semantics on Lua (-7 % 3 is 2, not -1); use mod() from core/util/num.ts");
      }
      if (op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) {
        report(node.operatorToken, "loose-equality", `'${node.operatorToken.getText(sf)}' coerces differently on Lua; use === / !==`);
      }
      if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.AmpersandAmpersandToken ||
        op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.AmpersandAmpersandEqualsToken) {
        checkCond(node.left);
      }
      if ([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsToken].includes(op)) {
        const pairs: [ts.Expression, ts.Expression][] = [[node.left, node.right], [node.right, node.left]];
        for (const [a, b] of pairs) {
          if (ts.isTypeOfExpression(skipParens(a)) && ts.isStringLiteralLike(b) && (b.text === "bigint" || b.text === "symbol")) {
            report(node, "typeof-bigint-symbol", `typeof ... === "${b.text}" is never true on Lua`);
          }
        }
      }
      if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.PlusEqualsToken) {
        const lt = typeOf(node.left);
        const rt = typeOf(node.right);
        const numSide = isStringType(lt) && typeHas(rt, NUM) ? node.right : isStringType(rt) && typeHas(lt, NUM) ? node.left : undefined;
        if (numSide !== undefined) {
          report(numSide, "number-format", `'${short(numSide, sf)}' is a number joined to a string: Lua's tostring formats it differently; use fmtNum`);
        }
      }
      if (op === ts.SyntaxKind.EqualsToken) {
        const left = skipParens(node.left);
        if (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) {
          if (isUndefinedExpr(node.right, checker)) {
            report(node, "assign-undefined", "assigning undefined deletes the key on Lua (and makes holes in arrays); use a sentinel or rebuild the object");
          } else if (ts.isElementAccessExpression(left) && isArrayType(typeOf(left.expression)) &&
            typeHas(typeOf(node.right), ts.TypeFlags.Undefined | ts.TypeFlags.Void)) {
            report(node, "assign-undefined", "this array element may be set to undefined: a hole on Lua (length and iteration change)");
          }
          if (ts.isPropertyAccessExpression(left) && left.name.text === "length" && isArrayType(typeOf(left.expression))) {
            report(node, "array-length", "assigning arr.length can make holes on Lua; use splice or rebuild the array");
          }
        }
      } else if (isAssignmentOp(op)) {
        const left = skipParens(node.left);
        if (ts.isPropertyAccessExpression(left) && left.name.text === "length" && isArrayType(typeOf(left.expression))) {
          report(node, "array-length", "assigning arr.length can make holes on Lua; use splice or rebuild the array");
        }
      }
      if (op === ts.SyntaxKind.InstanceOfKeyword && ts.isIdentifier(skipParens(node.left)) && ts.isIdentifier(node.right) &&
        ERROR_CLASSES.has(node.right.text) && fromLib(resolve(node.right))) {
        const sym = checker.getSymbolAtLocation(skipParens(node.left));
        if (sym?.declarations?.some((d) => ts.isVariableDeclaration(d) && ts.isCatchClause(d.parent))) {
          report(node, "catch-instanceof", "a caught Lua runtime error is a string, not an Error; use asProbeError(e) from core/util/errors.ts");
        }
      }
    }
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
      const o = skipParens(node.operand);
      if (ts.isPropertyAccessExpression(o) && o.name.text === "length" && isArrayType(typeOf(o.expression))) {
        report(node, "array-length", "changing arr.length can make holes on Lua; use push/pop/splice");
      }
    }
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) checkCond(node.operand);
    if (ts.isConditionalExpression(node)) checkCond(node.condition);
    if ((ts.isIfStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node))) checkCond(node.expression);
    if (ts.isForStatement(node) && node.condition !== undefined) checkCond(node.condition);
    if (ts.isCallExpression(node)) {
      const callee = skipParens(node.expression);
      if (ts.isPropertyAccessExpression(callee) && (callee.name.text === "sort" || callee.name.text === "toSorted") &&
        node.arguments.length === 0 && isArrayType(typeOf(callee.expression))) {
        report(callee.name, "default-sort", "sort() without a comparator is numeric-first and unstable on Lua; pass (a, b) => ...");
      }
      if (ts.isIdentifier(callee) && (callee.text === "parseFloat" || callee.text === "parseInt") && fromLib(resolve(callee))) {
        report(callee, "parse-number", `${callee.text} differs on Lua (TSTL's parseFloat ignores exponents: "1e5" is 1); use parseNum/parseNatural from core/util/num.ts`);
      }
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "Number" &&
        (callee.name.text === "parseFloat" || callee.name.text === "parseInt") && fromLib(resolve(callee.expression))) {
        report(callee, "parse-number", `Number.${callee.name.text} differs on Lua; use parseNum/parseNatural from core/util/num.ts`);
      }
      if (ts.isIdentifier(callee) && callee.text === "String" && fromLib(resolve(callee)) && node.arguments.length > 0 &&
        typeHas(typeOf(node.arguments[0]), NUM)) {
        report(node, "number-format", "String(number) uses Lua's tostring (0.3, 1e+15, nan); use fmtNum");
      }
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === "push" && isArrayType(typeOf(callee.expression))) {
        checkPush(node, callee);
      }
    }
    if (ts.isTemplateSpan(node) && typeHas(typeOf(node.expression), NUM)) {
      report(node.expression, "number-format", `template span '${short(node.expression, sf)}' is a number: Lua's tostring formats it differently; use fmtNum`);
    }
    if (ts.isIdentifier(node) && LUA_ABSENT_GLOBALS.has(node.text) && isGlobalRef(node, LUA_ABSENT_GLOBALS)) {
      const p = node.parent;
      const symbolIteration = node.text === "Symbol" && ts.isPropertyAccessExpression(p) && p.expression === node &&
        (p.name.text === "iterator" || p.name.text === "asyncIterator");
      if (!symbolIteration) report(node, "lua-global", `${node.text} does not exist on Lua; go through the Host or core/util`);
    }
    if (ts.isSpreadElement(node)) {
      report(node, "spread", "spread compiles to unpack(): ~8000+ elements throw on Lua; loop and push, or concat");
    }
    if (ts.isDeleteExpression(node)) {
      const e = skipParens(node.expression);
      if ((ts.isElementAccessExpression(e) || ts.isPropertyAccessExpression(e)) && isArrayType(typeOf(e.expression))) {
        report(node, "array-delete", "delete on an array makes a hole on Lua; use splice");
      }
    }
    if (ts.isForInStatement(node)) report(node, "for-in", "for...in walks a Lua table (hash order); use Object.keys(o) with a sort, or for...of");
    ts.forEachChild(node, visit);
  };

  const checkPush = (call: ts.CallExpression, callee: ts.PropertyAccessExpression): void => {
    const recv = skipParens(callee.expression);
    const recvNode = ts.isPropertyAccessExpression(recv) ? recv.name : recv;
    const sym = checker.getSymbolAtLocation(recvNode);
    if (sym === undefined) return;
    for (const arg of call.arguments) {
      const a = skipParens(arg);
      if (!ts.isCallExpression(a)) continue;
      let why: string | undefined;
      if (refsSymbol(a, sym)) why = `'${sym.name}' is used inside the call`;
      else {
        const fsym = resolve(ts.isPropertyAccessExpression(a.expression) ? a.expression.name : a.expression);
        for (const d of fsym?.declarations ?? []) {
          const body = (d as ts.FunctionLikeDeclarationBase).body ??
            (ts.isVariableDeclaration(d) && d.initializer !== undefined && isClosure(d.initializer) ? (d.initializer as unknown as ts.FunctionLikeDeclarationBase).body : undefined);
          // A local of f (recursion) is a fresh variable per call: only shared state counts.
          const localToF = body !== undefined && (sym.declarations ?? []).every((sd) => isInside(sd, body));
          if (body !== undefined && !localToF && !d.getSourceFile().isDeclarationFile && refsSymbol(body, sym)) {
            why = `'${fsym?.name}' also uses '${sym.name}'`;
          }
        }
      }
      if (why !== undefined) {
        report(call, "push-call", `${sym.name}.push(f()) where ${why}: on Lua the slot is taken before f runs, so f's pushes are overwritten; store f() in a const first`);
      }
    }
  };

  visit(sf);

  // Suppressions: `// portable-ok: reason` on the line above suppresses the first hit on the next line.
  const hits = [...found.values()].map((h) => {
    const lc = sf.getLineAndCharacterOfPosition(h.pos);
    return { file: rel(sf.fileName), line: lc.line + 1, col: lc.character + 1, rule: h.rule, message: h.message };
  });
  hits.sort((a, b) => a.line - b.line || a.col - b.col || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  const lines = sf.text.split(/\r?\n/);
  const out: Hit[] = [];
  const suppress = new Map<number, { reason: string; used: boolean; col: number }>();
  lines.forEach((text, i) => {
    const m = /^(\s*)\/\/\s*portable-ok\b:?(.*)$/.exec(text);
    if (m === null) return;
    const reason = m[2].trim();
    if (reason.length === 0) {
      out.push({ file: rel(sf.fileName), line: i + 1, col: m[1].length + 1, rule: "portable-ok", message: "portable-ok needs a reason: // portable-ok: <why this is safe>" });
      return;
    }
    suppress.set(i + 2, { reason, used: false, col: m[1].length + 1 });
  });
  for (const h of hits) {
    const s = suppress.get(h.line);
    if (s !== undefined && !s.used) {
      s.used = true;
      continue;
    }
    out.push(h);
  }
  for (const [line, s] of suppress) {
    if (!s.used) out.push({ file: rel(sf.fileName), line: line - 1, col: s.col, rule: "portable-ok", message: "portable-ok suppresses nothing on the next line; remove it" });
  }
  out.sort((a, b) => a.line - b.line || a.col - b.col);
  return out;
}

function isInside(n: ts.Node, root: ts.Node): boolean {
  for (let p: ts.Node | undefined = n; p !== undefined; p = p.parent) if (p === root) return true;
  return false;
}

function rel(f: string): string {
  return path.relative(process.cwd(), f).split(path.sep).join("/");
}

function short(n: ts.Node, sf: ts.SourceFile): string {
  const t = n.getText(sf).replace(/\s+/g, " ");
  return t.length > 40 ? t.substring(0, 37) + "..." : t;
}

function skipParens(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x) || ts.isTypeAssertionExpression(x)) x = x.expression;
  return x;
}

function isUndefinedExpr(e: ts.Expression, _checker?: ts.TypeChecker): boolean {
  const x = skipParens(e);
  if (ts.isVoidExpression(x)) return true;
  // The global `undefined` (it cannot be redeclared in a module).
  return ts.isIdentifier(x) && x.text === "undefined";
}

function isAssignmentOp(k: ts.SyntaxKind): boolean {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

function isClosure(n: ts.Node): boolean {
  return ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) ||
    ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);
}

/** A callback handed straight to an array method that calls it before returning. */
function isSyncCallbackArg(n: ts.Node): boolean {
  const p = n.parent;
  return (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && p !== undefined && ts.isCallExpression(p) &&
    p.arguments.includes(n as ts.Expression) && ts.isPropertyAccessExpression(p.expression) &&
    SYNC_CALLBACK_METHODS.has(p.expression.name.text);
}

function collectBindingSymbols(name: ts.BindingName, checker: ts.TypeChecker, out: ts.Symbol[]): void {
  if (ts.isIdentifier(name)) {
    const s = checker.getSymbolAtLocation(name);
    if (s !== undefined) out.push(s);
    return;
  }
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) collectBindingSymbols(el.name, checker, out);
}

/** An identifier used as a value (not a type, a member name or a declaration name). */
function isValueIdentifier(id: ts.Identifier): boolean {
  const p = id.parent;
  if (p === undefined) return false;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (ts.isQualifiedName(p) || ts.isTypeNode(p)) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) ||
    ts.isPropertySignature(p) || ts.isMethodSignature(p) || ts.isVariableDeclaration(p) || ts.isParameter(p) ||
    ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p) || ts.isInterfaceDeclaration(p) ||
    ts.isTypeAliasDeclaration(p) || ts.isEnumMember(p) || ts.isBindingElement(p) || ts.isGetAccessor(p) ||
    ts.isSetAccessor(p)) && (p as ts.NamedDeclaration).name === id) return false;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false;
  if (ts.isExpressionWithTypeArguments(p) && ts.isHeritageClause(p.parent) && p.parent.token === ts.SyntaxKind.ImplementsKeyword) return false;
  return true;
}

function collectTs(target: string, out: string[]): void {
  const st = statSync(target);
  if (st.isDirectory()) {
    for (const e of readdirSync(target).sort()) {
      if (e === "node_modules" || e.startsWith(".")) continue;
      collectTs(path.join(target, e), out);
    }
  } else if (target.endsWith(".ts") && !target.endsWith(".d.ts")) {
    out.push(target);
  }
}

function main(argv: string[]): number {
  let tsconfig: string | undefined;
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--project" || argv[i] === "-p") tsconfig = argv[++i];
    else targets.push(argv[i]);
  }
  if (targets.length === 0) targets.push("core");
  const files: string[] = [];
  for (const t of targets) {
    if (!existsSync(t)) {
      console.error(`lint-portable: no such file or folder: ${t}`);
      return 2;
    }
    collectTs(t, files);
  }
  const hits = lintFiles(files, tsconfig);
  for (const h of hits) console.log(`${h.file}:${h.line}:${h.col} ${h.rule}: ${h.message}`);
  if (hits.length > 0) console.error(`lint-portable: ${hits.length} hit(s) in ${files.length} file(s)`);
  return hits.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
