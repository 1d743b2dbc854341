// Lists read a page at a time (API.md: `{items, next}`, `?next=` for the rest): what "Muat lebih banyak" shows.
import { describe, expect, it } from "vitest";
import { appended, hasMore, pageAt, pagesUpTo, queryAt, type Page } from "./paging";

const req = (id: string) => ({ request_id: id });
const key = (r: { request_id: string }) => r.request_id;

describe("a list read a page at a time", () => {
  it("appends the next page under what is shown and offers more only while the server has a next cursor", () => {
    // GIVEN an employee with more than 50 requests: the first page is shown, the server names a next one
    const first: Page<{ request_id: string }> = { items: [req("r3"), req("r2")], next: "c1" };
    expect(hasMore(first)).toBe(true);
    // WHEN "Muat lebih banyak" reads it, THEN the older requests come under the newer, none twice
    const both = appended(first, { items: [req("r2"), req("r1")], next: null }, key);
    expect(both.items.map(key)).toEqual(["r3", "r2", "r1"]);
    // AND with no next cursor left the button is gone
    expect(hasMore(both)).toBe(false);
    expect(pageAt("/v1/me/requests", null)).toBe("/v1/me/requests");
    expect(pageAt("/v1/me/requests", "a b/=")).toBe("/v1/me/requests?next=a%20b%2F%3D");
  });

  it("reads again as many pages as were shown, so a withdrawal far down the list keeps the list as long", async () => {
    // GIVEN three pages on the server, two of them shown
    const pages: Record<string, Page<{ request_id: string }>> = {
      "": { items: [req("r6"), req("r5")], next: "p2" },
      p2: { items: [req("r4"), req("r3")], next: "p3" },
      p3: { items: [req("r2"), req("r1")], next: null },
    };
    const asked: (string | null)[] = [];
    const read = (next: string | null) => {
      asked.push(next);
      return Promise.resolve(pages[next ?? ""]!);
    };
    // WHEN the list is read again to show at least the four shown, THEN two pages are read, the third offered
    const again = await pagesUpTo(read, 4);
    expect(again.items.map(key)).toEqual(["r6", "r5", "r4", "r3"]);
    expect(again.next).toBe("p3");
    expect(asked).toEqual([null, "p2"]);
  });
});

describe("a list read in one go", () => {
  it("ends at a page without a `next`, as an older SMART or a stand-in answers a list that fits one page", async () => {
    // GIVEN an answer `{items}` alone (decision 101: some lists answered so)
    let reads = 0;
    const read = () => {
      reads += 1;
      return Promise.resolve({ items: [req("r1")] } as unknown as Page<{ request_id: string }>);
    };
    // WHEN the list is read, THEN that page is the last: not read again and again up to the bound
    const all = await pagesUpTo(read, 5);
    expect(all).toEqual({ items: [req("r1")], next: null });
    expect(reads).toBe(1);
  });

  it("shows each page as it arrives, with the items read so far", async () => {
    // GIVEN a unit of three pages (the console's employee list shows the first rows while the rest load)
    const pages: Record<string, Page<{ request_id: string }>> = {
      "": { items: [req("a")], next: "p2" },
      p2: { items: [req("b")], next: "p3" },
      p3: { items: [req("c")], next: null },
    };
    const shown: string[][] = [];
    // WHEN the whole list is read, THEN each page shows what was read up to it
    const all = await pagesUpTo((next) => Promise.resolve(pages[next ?? ""]!), Infinity, (sofar) => shown.push(sofar.items.map(key)));
    expect(shown).toEqual([["a"], ["a", "b"], ["a", "b", "c"]]);
    expect(all.items.map(key)).toEqual(["a", "b", "c"]);
  });

  it("asks the page at a cursor with the list's own query", () => {
    // the console sends its query as an object (session.get): the first page without `next`, the rest with it
    expect(queryAt({ unor_id: "SD1" }, null)).toEqual({ unor_id: "SD1" });
    expect(queryAt({ unor_id: "SD1" }, "p2")).toEqual({ unor_id: "SD1", next: "p2" });
  });
});
