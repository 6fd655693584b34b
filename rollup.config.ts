// The QuickJS bundle (dist/miniprobe.js and the chunks it imports, ES modules importing
// qjs's `std`/`os`) and the vector-runner bundle (dist/vectors.js, a plain script for
// quickjs-emscripten and qjs). Each has its own tsconfig so that one bundle's program never
// blocks the other's.
import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";
import { resolve } from "node:path";
import type { OutputChunk, Plugin, RollupOptions } from "rollup";

/**
 * The measurements' run code (imported by their capability descriptors as a namespace read
 * at call time, `impl.runPing(ctx)`) becomes a dynamic import: qjs compiles a chunk only
 * when its first measurement runs. An idle daemon then holds 0.66 MB less RSS (glibc; 0.33
 * MB on musl), measured. The Lua bundle does the same with proxies (tools/build.mjs
 * derives its LUA_LAZY from this list). Every use of the namespace must be a call of one
 * of its functions, which all return promises; anything else fails the build.
 */
export const QJS_LAZY = ["core/measurements/ping/run.ts", "core/measurements/traceroute/run.ts", "core/measurements/ott/run.ts"];

function lazyRunImports(): Plugin {
  return {
    name: "lazy-run-imports",
    transform(code, id) {
      if (!id.endsWith("/index.ts") || !QJS_LAZY.some((m) => resolve(m) === resolve(id.slice(0, -"index.ts".length) + "run.ts"))) return null;
      const imp = /import \* as (\w+) from "\.\/run(?:\.ts)?";\n/.exec(code);
      if (!imp) throw new Error(`lazy-run-imports: ${id} does not import ./run as a namespace`);
      const ns = imp[1];
      const rest = code.slice(0, imp.index) + code.slice(imp.index + imp[0].length);
      const calls = new Set<string>();
      const uses = rest.match(new RegExp(`\\b${ns}\\b[^\\n]{0,40}`, "g")) ?? [];
      for (const u of uses) {
        const m = new RegExp(`^${ns}\\.(\\w+)\\(`).exec(u);
        if (!m) throw new Error(`lazy-run-imports: ${id}: "${u}" is not a call of a ${ns} function`);
        calls.add(m[1]);
      }
      const fns = [...calls].map((f) => `${f}: (...a) => import("./run").then((m) => m.${f}(...a))`);
      return { code: `const ${ns} = { ${fns.join(", ")} };\n` + rest, map: null };
    },
  };
}

/**
 * QuickJS's "use strip": functions keep no source text and no line table, 340 KB less RSS
 * for an idle daemon (5.4 -> 5.1 MB, measured). Stack traces lose line numbers. A chunk
 * other modules import starts with the directive (qjs's module loader takes any file it
 * imports as a module). The entry, which qjs must recognise as a module by its first token
 * (`import`), keeps its imports first and runs the rest inside one function whose body
 * starts with the directive; it exports nothing, so that function can hold it all.
 *
 * A stripped function has no file name either, and qjs resolves `import()` against the
 * calling function's file: from stripped code it fails ("no function filename for
 * import()"). So the entry defines, outside its stripped function, the one importer the
 * chunks call (IMPORTER below); the chunks sit beside the entry, so their names resolve
 * the same from it.
 */
const IMPORTER = "globalThis.__miniprobeImport";

function quickjsStrip(): Plugin {
  return {
    name: "quickjs-strip",
    renderChunk(code, chunk) {
      const c = chunk as OutputChunk;
      if (!c.isEntry) {
        let n = 0;
        const out = code.replace(/\bimport\((?=["']\.\/)/g, () => (n++, IMPORTER + "("));
        if (n !== c.dynamicImports.length) throw new Error(`quickjs-strip: ${c.fileName} has ${c.dynamicImports.length} dynamic imports, ${n} rewritten`);
        return { code: '"use strip";\n' + out, map: null };
      }
      const m = /^(?:import[^;]*;\s*)+/.exec(code);
      if (!m) throw new Error("quickjs-strip: the entry does not start with its imports");
      if (c.exports.length > 0 || c.dynamicImports.length > 0) throw new Error("quickjs-strip: the entry must export and import() nothing");
      const importer = IMPORTER + "=(m)=>import(m);";
      return { code: m[0] + importer + '(function(){"use strip";' + code.slice(m[0].length) + "\n})();\n", map: null };
    },
  };
}

/** Every module the entry imports statically goes to one core chunk; run code stays out. */
function coreChunk(entry: string) {
  let core: Set<string> | undefined;
  return (id: string, api: { getModuleInfo: (id: string) => { importedIds: readonly string[] } | null }): string | undefined => {
    if (core === undefined) {
      core = new Set();
      const todo = [resolve(entry)];
      for (let i = 0; i < todo.length && i < 100000; i++) {
        for (const dep of api.getModuleInfo(todo[i])?.importedIds ?? []) {
          if (!core.has(dep)) {
            core.add(dep);
            todo.push(dep);
          }
        }
      }
    }
    return core.has(id) && id !== resolve(entry) ? "core" : undefined;
  };
}

const ts = (tsconfig: string) =>
  typescript({
    tsconfig,
    compilerOptions: { noEmit: false, declaration: false, target: "ES2020" },
    noEmitOnError: true,
  });

const QJS_ENTRY = "targets/quickjs/main.ts";

const config: RollupOptions[] = [
  {
    input: QJS_ENTRY,
    external: ["std", "os"],
    // Minified: these files are what an opkg package carries to a router's flash. The
    // tests run these same files on native qjs.
    output: {
      dir: "dist",
      format: "es",
      entryFileNames: "miniprobe.js",
      // dist/miniprobe-core.js, and the run code named after its measurement.
      chunkFileNames: (c) => {
        const m = c.facadeModuleId !== null ? /measurements\/([\w-]+)\/run\.ts$/.exec(c.facadeModuleId) : null;
        return "miniprobe-" + (m ? m[1] : c.name) + ".js";
      },
      manualChunks: coreChunk(QJS_ENTRY),
      plugins: [terser({ ecma: 2020, module: true, format: { comments: false } }), quickjsStrip()],
    },
    plugins: [ts("./tsconfig.qjs.json"), lazyRunImports()],
  },
  {
    input: "tools/vectors/js-entry.ts",
    output: { file: "dist/vectors.js", format: "iife" },
    plugins: [ts("./tsconfig.vectors-js.json")],
  },
];

export default config;
