// The store suite bundled for native qjs: tests/agent/store-suite-qjs.ts with the real
// QuickJS host, as one ES module importing qjs's `std`/`os`. A test artefact:
// tests/agent/store-suite.test.ts builds it into .cache (under a name of its own).
import typescript from "@rollup/plugin-typescript";
import type { RollupOptions } from "rollup";

const config: RollupOptions = {
  input: "tests/agent/store-suite-qjs.ts",
  external: ["std", "os"],
  output: { file: ".cache/storesuite/qjs-store-suite.js", format: "es" },
  plugins: [
    typescript({
      // The options of tsconfig.json, inline: its "include" does not cover tests/agent.
      tsconfig: false,
      include: ["core/**/*.ts", "targets/quickjs/**/*.ts", "tests/agent/store-suite.ts", "tests/agent/store-suite-qjs.ts"],
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

export default config;
