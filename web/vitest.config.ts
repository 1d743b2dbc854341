// Unit tests of the web clients' pure rules (`*.test.ts` beside the module), run in Node by `tools.web test`
// (part of `make test`); the screens themselves are tested in Chromium (tests/e2e). The phone's clock is
// Jakarta's, as on the regency's phones, so dates and times read the same on any machine.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["app/src/**/*.test.ts", "admin/src/**/*.test.ts", "shared/**/*.test.ts"],
    environment: "node",
    env: { TZ: "Asia/Jakarta" },
  },
});
