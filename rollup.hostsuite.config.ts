// The host conformance suite bundled for native qjs: tests/hosts/qjs-suite-entry.ts with the
// real QuickJS host, as one ES module importing qjs's `std`/`os` (like dist/miniprobe.js).
// Output goes to .cache (not dist/): it is a test artefact, built by
// tests/hosts/quickjs-host.test.ts.
import typescript from "@rollup/plugin-typescript";
import type { RollupOptions } from "rollup";

const config: RollupOptions = {
  input: "tests/hosts/qjs-suite-entry.ts",
  external: ["std", "os"],
  output: { file: ".cache/hostsuite/qjs-suite.js", format: "es" },
  plugins: [
    typescript({
      // The options of tsconfig.json, inline: its "include" does not cover tests/hosts.
      tsconfig: false,
      include: ["core/**/*.ts", "targets/quickjs/**/*.ts", "tests/hosts/host-suite.ts", "tests/hosts/qjs-suite-entry.ts"],
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
