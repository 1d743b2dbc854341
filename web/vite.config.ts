// One toolchain for SMART's web clients. Each app is a Vite root of its own under web/, built into
// web/dist/<name>/ and served at /<name>/ next to /v1/ (same origin, no CORS). `vite build --mode app` builds
// the employee PWA, `--mode admin` the admin console (no service worker: it is used online only), sharing web/shared/.
import preact from "@preact/preset-vite";
import { defineConfig, type PluginOption, type UserConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

type AppName = "app" | "admin";

const APPS: Record<AppName, () => PluginOption[]> = {
  app: () => [
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script",
      // The shell only: API answers (/v1/) are never cached by the service worker.
      workbox: {
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
    plugins: [preact(), ...APPS[mode]()],
    build: {
      outDir: `../dist/${mode}`,
      emptyOutDir: true,
      target: "es2020",
      reportCompressedSize: false,
    },
  };
});
