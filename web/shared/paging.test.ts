// Lists read a page at a time (API.md: `{items, next}`, `?next=` for the rest): what "Muat lebih banyak" shows.
import { describe, expect, it } from "vitest";
import { appended, hasMore, pageAt, pagesUpTo, type Page } from "./paging";

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
