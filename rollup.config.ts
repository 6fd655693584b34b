// The QuickJS bundle (dist/miniprobe.js, an ES module importing qjs's `std`/`os`) and the
// vector-runner bundle (dist/vectors.js, a plain script for quickjs-emscripten and qjs).
import typescript from "@rollup/plugin-typescript";
import type { RollupOptions } from "rollup";

const ts = () =>
  typescript({
    tsconfig: "./tsconfig.json",
    include: ["core/**/*.ts", "targets/quickjs/**/*.ts", "tests/vectors/**/*.ts"],
    compilerOptions: { noEmit: false, declaration: false, target: "ES2020" },
    noEmitOnError: true,
  });

const config: RollupOptions[] = [
  {
    input: "targets/quickjs/main.ts",
    external: ["std", "os"],
    output: { file: "dist/miniprobe.js", format: "es" },
    plugins: [ts()],
  },
  {
    input: "tests/vectors/js-entry.ts",
    output: { file: "dist/vectors.js", format: "iife" },
    plugins: [ts()],
  },
];

export default config;
