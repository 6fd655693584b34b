// The QuickJS bundle (dist/miniprobe.js, an ES module importing qjs's `std`/`os`) and the
// vector-runner bundle (dist/vectors.js, a plain script for quickjs-emscripten and qjs).
// Each has its own tsconfig so that one bundle's program never blocks the other's.
import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";
import type { RollupOptions } from "rollup";

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
    output: { file: "dist/miniprobe.js", format: "es", plugins: [terser({ ecma: 2020, module: true, format: { comments: false } })] },
    plugins: [ts("./tsconfig.qjs.json")],
  },
  {
    input: "tools/vectors/js-entry.ts",
    output: { file: "dist/vectors.js", format: "iife" },
    plugins: [ts("./tsconfig.vectors-js.json")],
  },
];

export default config;
