import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import { compression } from "vite-plugin-compression2";

/**
 * Vue and its router and i18n in a chunk of their own: used whole by every
 * page, they change less often than the app, so a new build keeps them
 * cached. Element Plus and ECharts are left to the default split: naming
 * them here would put every module of theirs in the chunk (a manual chunk
 * keeps what tree-shaking would drop), and they are imported per component.
 */
function vendorChunk(id: string): string | undefined {
  if (/node_modules\/(vue|@vue|vue-router|vue-i18n|@intlify)\//.test(id)) return "vue";
  return undefined;
}

export default defineConfig({
  // The server serves the built app at /admin (packages/server/src/admin/console-static.ts).
  base: "/admin/",
  plugins: [
    vue(),
    // Element Plus components (and their styles) are imported where a template uses them, not all of them.
    Components({ resolvers: [ElementPlusResolver()], dts: false }),
    // .br and .gz beside each file, made once here: the server sends them as they are (preCompressed), no compression per request.
    compression({ algorithms: ["brotliCompress", "gzip"], threshold: 1024, logLevel: "silent" }),
  ],
  // vue-i18n's build flags: the Composition API only (no legacy API in the bundle), no devtools hooks in production.
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    // `npm run dev -w @wegate/console` against a wegate running on its default port. The Host header is
    // kept (no changeOrigin): wegate refuses a write whose Origin is not its own host.
    proxy: { "/admin/api": { target: process.env.WEGATE_URL ?? "http://127.0.0.1:3000", changeOrigin: false } },
  },
  build: {
    chunkSizeWarningLimit: 600,
    rollupOptions: { output: { manualChunks: vendorChunk } },
  },
});
