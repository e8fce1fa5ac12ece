import { copyFileSync } from "node:fs";
import { defineConfig } from "tsup";

/**
 * `npm start` runs this bundle: plain JavaScript for Node 20, with the
 * workspace packages (@wegate/wechat, @wegate/wechat-sim, TypeScript sources)
 * inside and the npm dependencies left in node_modules. Running it needs no
 * TypeScript loader, which saves the server about 35 MB and its start-up
 * compile. Tests and the other CLI commands run the sources through tsx.
 */
export default defineConfig({
  entry: { cli: "src/cli.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  // Bare imports stay in node_modules (also those only the workspace packages use, like undici).
  external: [/^(?!@wegate\/)[^./]/],
  noExternal: [/^@wegate\//],
  clean: true,
  sourcemap: true,
  splitting: false,
  tsconfig: "../../tsconfig.json",
  // The demo catalogue is read from beside the code (catalogue/demo.ts).
  onSuccess: async () => copyFileSync("src/catalogue/demo.json", "dist/demo.json"),
});
