// Puts the built SDK where WeChat DevTools' "build npm" would
// (miniprogram/miniprogram_npm/@wegate/sdk), so the demo opens without that step.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const main = require.resolve("@wegate/sdk");
const target = join(import.meta.dirname, "..", "miniprogram", "miniprogram_npm", "@wegate", "sdk");
mkdirSync(target, { recursive: true });
copyFileSync(main, join(target, "index.js"));
console.log(`demo-shop: ${main} -> ${target}/index.js`);
