import { defineConfig } from "tsup";

// CommonJS ES2017 for the mini program's "build npm" (main), ESM for bundlers, and .d.ts.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["cjs", "esm"],
  target: "es2017",
  platform: "neutral",
  dts: true,
  clean: true,
  sourcemap: false,
  outExtension: ({ format }) => ({ js: format === "cjs" ? ".js" : ".mjs" }),
  tsconfig: "tsconfig.json",
});
