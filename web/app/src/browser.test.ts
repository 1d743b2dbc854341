// Which browser asks to be left for Chrome, the intent link that opens the activation screen there, and the
// request to keep the phone's storage (browser.ts).
import { describe, expect, it, vi } from "vitest";
import { chromeActivationLink, keepStorage, notChrome } from "./browser";
import { parseHash } from "./router";

const ANDROID = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko)";
const CHROME = `${ANDROID} Chrome/124.0.0.0 Mobile Safari/537.36`;
const SAMSUNG = `${ANDROID} SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36`;
const MI =
  "Mozilla/5.0 (Linux; U; Android 11; id-id; Redmi Note 8 Build/RKQ1.201004.002) AppleWebKit/537.36 (KHTML, like " +
  "Gecko) Version/4.0 Chrome/100.0.4896.127 Mobile Safari/537.36 XiaoMi/MiuiBrowser/13.27.0-gn";
const WEBVIEW = "Mozilla/5.0 (Linux; Android 12; SM-A125F; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36";
const OPERA = `${CHROME} OPR/80.1.4170.72377`;
const FIREFOX = "Mozilla/5.0 (Android 13; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0";
const DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

describe("the browser", () => {
  it("is fine as Chrome on Android, and anywhere but Android (no Chrome to hand over to)", () => {
    expect(notChrome(CHROME)).toBeNull();
    expect(notChrome(DESKTOP)).toBeNull();
    expect(notChrome(IPHONE)).toBeNull();
  });

  it("is named when it is Samsung Internet, Mi Browser or another Android browser", () => {
    expect(notChrome(SAMSUNG)).toBe("Samsung Internet");
    expect(notChrome(MI)).toBe("Mi Browser");
    expect(notChrome(`${ANDROID} Chrome/110.0 Mobile Safari/537.36 XiaoMi/Mint Browser/3.9.3`)).toBe("Mi Browser");
    expect(notChrome(OPERA)).toBe("Opera");
    expect(notChrome(FIREFOX)).toBe("Firefox");
  });

  it("asks without a name in an app's own web view (a QR or chat app)", () => {
    expect(notChrome(WEBVIEW)).toBe("");
    expect(notChrome(`${CHROME} [FBAN/FB4A;FBAV/450.0.0.0;]`)).toBe("");
  });
});

describe("the link to Chrome", () => {
  const CARD = "https://smart.example.go.id/app/#/aktivasi?nip=198501012010011001&kode=12345678";

  it("opens the same activation page in Chrome with the NIP and code, the route's fragment kept", () => {
    const link = chromeActivationLink(CARD, "198501012010011001", "12345678");
    expect(link).toBe(
      "intent://smart.example.go.id/app/#/aktivasi?nip=198501012010011001&kode=12345678" +
        "#Intent;scheme=https;package=com.android.chrome;end",
    );
    // Android takes the data up to the last "#" and puts the scheme back: the card's own link, read as the app
    // reads its route
    const data = link.slice(0, link.lastIndexOf("#Intent;")).replace(/^intent:/, "https:");
    expect(data).toBe(CARD);
    const route = parseHash(new URL(data).hash);
    expect([route.path, route.params.get("nip"), route.params.get("kode")]).toEqual([
      "/aktivasi",
      "198501012010011001",
      "12345678",
    ]);
  });

  it("carries what was typed (a port and the scheme of a test stage too), and no empty field", () => {
    expect(chromeActivationLink("http://localhost:8000/app/#/aktivasi", " 1985 ", "")).toBe(
      "intent://localhost:8000/app/#/aktivasi?nip=1985#Intent;scheme=http;package=com.android.chrome;end",
    );
    expect(chromeActivationLink("https://smart.example.go.id/app/#/aktivasi?nip=1&kode=2", "", "")).toBe(
      "intent://smart.example.go.id/app/#/aktivasi#Intent;scheme=https;package=com.android.chrome;end",
    );
  });

  it("has exactly one '#Intent;' and no other '#' after the route's", () => {
    const link = chromeActivationLink("https://h/app/#/aktivasi", "1#2", "3&kode=4");
    expect(link.split("#")).toHaveLength(3);
    const data = link.slice(0, link.lastIndexOf("#")).replace(/^intent:/, "https:");
    const route = parseHash(new URL(data).hash);
    expect([route.params.get("nip"), route.params.get("kode")]).toEqual(["1#2", "3&kode=4"]);
  });
});

describe("keeping the storage", () => {
  const nav = (storage: Partial<StorageManager> | undefined): Navigator => ({ storage }) as unknown as Navigator;

  it("asks once it is not kept yet", async () => {
    const persist = vi.fn(async () => true);
    expect(await keepStorage(nav({ persisted: async () => false, persist }))).toBe(true);
    expect(persist).toHaveBeenCalledOnce();
  });

  it("does not ask again when already kept", async () => {
    const persist = vi.fn(async () => true);
    expect(await keepStorage(nav({ persisted: async () => true, persist }))).toBe(true);
    expect(persist).not.toHaveBeenCalled();
  });

  it("never fails: unsupported, refused or throwing", async () => {
    expect(await keepStorage(nav(undefined))).toBe(false);
    expect(await keepStorage(nav({}))).toBe(false);
    expect(await keepStorage(nav({ persist: async () => false }))).toBe(false);
    expect(await keepStorage(nav({ persist: () => Promise.reject(new Error("no")) }))).toBe(false);
    expect(await keepStorage(undefined)).toBe(false);
  });
});
