// Which browser the app runs in, and keeping what it stores. The phone's id lives in the browser's own storage
// (session.ts), so an account activated in Samsung Internet or Mi Browser (where a camera's QR scanner often opens
// the activation card's link) is bound to that browser: a later login from Chrome is another phone
// (DEVICE_MISMATCH) until an admin resets it. The activation screen therefore says so first and offers to open
// the same page in Chrome, and a signed-in phone asks the browser not to evict that storage.

const CHROME_PACKAGE = "com.android.chrome";

/** Tokens of Android browsers (and in-app views) that carry "Chrome/" in their user agent but are not Chrome,
 * with the name the notice gives them (null: "browser ini"). */
const NOT_CHROME: readonly (readonly [RegExp, string | null])[] = [
  [/SamsungBrowser\//, "Samsung Internet"],
  [/MiuiBrowser|XiaoMi\//, "Mi Browser"],
  [/HeyTapBrowser|OppoBrowser/, "browser OPPO"],
  [/VivoBrowser/, "browser vivo"],
  [/HuaweiBrowser/, "Huawei Browser"],
  [/OPR\/|OPT\/|Opera/, "Opera"],
  [/EdgA\//, "Microsoft Edge"],
  [/UCBrowser/, "UC Browser"],
  [/YaBrowser/, "Yandex Browser"],
  [/Firefox\/|FxiOS/, "Firefox"],
  [/DuckDuckGo/, "DuckDuckGo"],
  [/Brave/, "Brave"],
  [/FBAN|FBAV|FB_IAB|Instagram|Line\/|WhatsApp/, null],
  // An app's own web view ("; wv)", or the old "Version/4.0 Chrome/…" form): its storage is the app's.
  [/; wv\)|Version\/[\d.]+ Chrome\//, null],
];

/** Whether the app should ask to be opened in Chrome: on Android, any browser but Chrome itself. Returns the
 * browser's name for the notice ("" when it has none worth saying), or null for Chrome on Android and for any
 * other system (a computer, an iPhone: no Chrome to hand over to). A Chrome Custom Tab shares Chrome's storage
 * and says it is Chrome: nothing to ask there. */
export function notChrome(userAgent: string): string | null {
  if (!/Android/i.test(userAgent)) return null;
  for (const [token, name] of NOT_CHROME) if (token.test(userAgent)) return name ?? "";
  return /Chrome\/[\d.]+/.test(userAgent) ? null : "";
}

/** An Android intent link that opens the activation screen of this app in Chrome, with the NIP and code typed or
 * read from the card (never the password). The app routes by the hash (`/app/#/aktivasi?nip=…&kode=…`, the QR
 * code's link), and Android reads an intent link's data up to its *last* `#`, so the route's own fragment passes
 * through unchanged: `intent://<host>/app/#/aktivasi?nip=…&kode=…#Intent;scheme=https;package=com.android.chrome;end`.
 * Without Chrome installed Android offers it in the Play Store. */
export function chromeActivationLink(href: string, nip: string, code: string): string {
  const page = new URL(href);
  const query = new URLSearchParams();
  if (nip.trim()) query.set("nip", nip.trim());
  if (code.trim()) query.set("kode", code.trim());
  const filled = query.toString();
  const route = `/aktivasi${filled ? `?${filled}` : ""}`;
  const scheme = page.protocol.replace(/:$/, "");
  return `intent://${page.host}${page.pathname}${page.search}#${route}#Intent;scheme=${scheme};package=${CHROME_PACKAGE};end`;
}

/** Asks the browser to keep the app's storage (the phone's id, the session, captures waiting for signal) when
 * space runs low or a cleaner app clears "site data" it may evict: `navigator.storage.persist()`. Chrome grants
 * it without asking to an installed or much used app. Never waits and never fails: where unsupported or refused
 * the app works as before. Answers whether the storage is kept (for tests). */
export async function keepStorage(nav: Navigator | undefined = globalThis.navigator): Promise<boolean> {
  try {
    const storage = nav?.storage;
    if (!storage || typeof storage.persist !== "function") return false;
    if (typeof storage.persisted === "function" && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}
