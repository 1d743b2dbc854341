// One toolchain for SMART's web clients. Each app is a Vite root of its own under web/, built into
// web/dist/<name>/ and served at /<name>/ next to /v1/ (same origin, no CORS). `vite build --mode app` builds
// the employee PWA, `--mode admin` the admin console (no service worker: it is used online only), sharing web/shared/.
import preact from "@preact/preset-vite";
import { defineConfig, type Plugin, type PluginOption, type UserConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

type AppName = "app" | "admin";

const APPS: Record<AppName, () => PluginOption[]> = {
  app: () => [
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script",
      // The shell only: API answers (/v1/) are never cached by the service worker.
      workbox: {
        // A new version takes over as soon as it is installed, even while the app stays open (phones keep SMART
        // open for days): the page still running the old code reloads at a moment that loses nothing
        // (app/src/update.ts). Without these the new worker waited for a SKIP_WAITING message nobody sends.
        skipWaiting: true,
        clientsClaim: true,
        globPatterns: ["**/*.{js,css,html,png,webmanifest}"],
        navigateFallback: "/app/index.html",
        navigateFallbackAllowlist: [/^\/app\//],
        cleanupOutdatedCaches: true,
      },
      manifest: {
        // A stable identity for the installed app and the Play Store's Trusted Web Activity (docs/play_store.md).
        id: "/app/",
        name: "SMART",
        short_name: "SMART",
        description: "Absensi pegawai: masuk dan pulang dengan swafoto dan lokasi.",
        lang: "id",
        start_url: "/app/",
        scope: "/app/",
        display: "standalone",
        orientation: "portrait",
        background_color: "#ffffff",
        theme_color: "#0b5d3b",
        icons: [
          { src: "icons/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "icons/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
    }),
  ],
  admin: () => [],
};

// Shown where JavaScript is off (each app names itself).
const NOSCRIPT: Record<AppName, string> = {
  app: "SMART membutuhkan JavaScript. Aktifkan JavaScript di browser Anda.",
  admin: "Konsol SMART membutuhkan JavaScript. Aktifkan JavaScript di browser Anda.",
};

// The page shell both apps share, added to each app's index.html (which holds only its own title, description
// and icons) before Vite bundles the entry it names.
function shell(app: AppName): Plugin {
  return {
    name: "smart-shell",
    transformIndexHtml: {
      order: "pre",
      handler: () => [
        { tag: "meta", attrs: { charset: "utf-8" }, injectTo: "head-prepend" },
        { tag: "meta", attrs: { name: "viewport", content: "width=device-width, initial-scale=1" }, injectTo: "head-prepend" },
        { tag: "meta", attrs: { name: "theme-color", content: "#0b5d3b" }, injectTo: "head-prepend" },
        { tag: "div", attrs: { id: "root" }, injectTo: "body" },
        { tag: "noscript", children: NOSCRIPT[app], injectTo: "body" },
        { tag: "script", attrs: { type: "module", src: "/src/main.tsx" }, injectTo: "body" },
      ],
    },
  };
}

function isApp(mode: string): mode is AppName {
  return Object.prototype.hasOwnProperty.call(APPS, mode);
}

export default defineConfig(({ mode }): UserConfig => {
  if (!isApp(mode)) {
    throw new Error(`unknown app "${mode}": build with --mode ${Object.keys(APPS).join("|")}`);
  }
  return {
    root: mode,
    base: `/${mode}/`,
    plugins: [shell(mode), preact(), ...APPS[mode]()],
    build: {
      outDir: `../dist/${mode}`,
      emptyOutDir: true,
      target: "es2020",
      reportCompressedSize: false,
    },
  };
});
