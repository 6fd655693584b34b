// The QuickJS bundle (dist/miniprobe.js, an ES module importing qjs's `std`/`os`) and the
// vector-runner bundle (dist/vectors.js, a plain script for quickjs-emscripten and qjs).
// Each has its own tsconfig so that one bundle's program never blocks the other's.
import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";
import type { Plugin, RollupOptions } from "rollup";

/**
 * Everything after the imports inside one function whose body starts with QuickJS's
 * "use strip" directive: its functions keep no source text and no line table, 340 KB less
 * RSS for an idle daemon (5.4 -> 5.1 MB, measured). The directive cannot open the module
 * itself: qjs then no longer sees the file as a module. Stack traces lose line numbers.
 */
function quickjsStrip(): Plugin {
  return {
    name: "quickjs-strip",
    renderChunk(code) {
      const m = /^(?:import[^;]*;\s*)+/.exec(code);
      if (!m) throw new Error("quickjs-strip: the bundle does not start with its imports");
      return { code: m[0] + '(function(){"use strip";' + code.slice(m[0].length) + "\n})();\n", map: null };
    },
  };
}

const ts = (tsconfig: string) =>
  typescript({
    tsconfig,
    compilerOptions: { noEmit: false, declaration: false, target: "ES2020" },
    noEmitOnError: true,
  });

const config: RollupOptions[] = [
  {
    input: "targets/quickjs/main.ts",
    external: ["std", "os"],
    // Minified: this file is what an opkg package carries to a router's flash. The
    // tests run this same file on native qjs.
    output: { file: "dist/miniprobe.js", format: "es", plugins: [terser({ ecma: 2020, module: true, format: { comments: false } }), quickjsStrip()] },
    plugins: [ts("./tsconfig.qjs.json")],
  },
  {
    input: "tools/vectors/js-entry.ts",
    output: { file: "dist/vectors.js", format: "iife" },
    plugins: [ts("./tsconfig.vectors-js.json")],
  },
];

export default config;
