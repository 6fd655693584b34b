// A portable test suite bundled for native qjs: its QuickJS entry with the real QuickJS
// host, as one ES module importing qjs's `std`/`os` (like dist/miniprobe.js). Test
// artefacts: the tests that run them build them into .cache, not dist/.
import typescript from "@rollup/plugin-typescript";
import type { RollupOptions } from "rollup";

/** `sources`: the suite's own files besides core/ and targets/quickjs/, entry included. */
export function qjsSuiteConfig(entry: string, sources: string[], outFile: string): RollupOptions {
  return {
    input: entry,
    external: ["std", "os"],
    output: { file: outFile, format: "es" },
    plugins: [
      typescript({
        // The options of tsconfig.json, inline: its "include" does not cover tests/.
        tsconfig: false,
        include: ["core/**/*.ts", "targets/quickjs/**/*.ts", ...sources],
        compilerOptions: {
          target: "ES2020",
          lib: ["ES2020"],
          module: "ESNext",
          moduleResolution: "bundler",
          strict: true,
          noImplicitReturns: true,
          skipLibCheck: true,
          types: [],
          noEmit: false,
          declaration: false,
        },
        noEmitOnError: true,
      }),
    ],
  };
}
