// A machine's log as the console sends it (Fingerprint.tsx `packed`): the API inflates a gzip body once.
import { describe, expect, it } from "vitest";
import { packed } from "./Fingerprint";

const ATTLOG = "7\t2026-11-02 07:25:00\t1\t0\n7\t2026-11-02 16:05:00\t1\t0\n";

const through = (blob: Blob, stream: CompressionStream | DecompressionStream): Promise<Blob> =>
  new Response(blob.stream().pipeThrough(stream)).blob();

const gunzipped = async (blob: Blob): Promise<string> => (await through(blob, new DecompressionStream("gzip"))).text();

describe("packed", () => {
  it("sends a .gz file as it is, not compressed a second time", async () => {
    const gz = await through(new Blob([ATTLOG]), new CompressionStream("gzip"));
    const [body, type] = await packed(new File([gz], "attlog.dat.gz", { type: "application/gzip" }));
    expect(type).toBe("application/gzip");
    expect(await gunzipped(body)).toBe(ATTLOG);
  });

  it("compresses a plain log once", async () => {
    const [body, type] = await packed(new File([ATTLOG], "attlog.dat"));
    expect(type).toBe("application/gzip");
    expect(await gunzipped(body)).toBe(ATTLOG);
  });
});
