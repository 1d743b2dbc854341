// The console's numbers the Indonesian way, and its dates and times on the regency's clock (format.ts).
import { afterEach, describe, expect, it } from "vitest";
import { addDays, arrival, clockMoved, count, dateTime, daysText, decimal, localDate, rangeHolding, scoreAgainst, sentAfter, setZone, time, zoneName } from "./format";

describe("count", () => {
  it("puts thousands points in a count, as the files do", () => {
    expect([count(1021), count(107), count(1793295)]).toEqual(["1.021", "107", "1.793.295"]);
  });
});

describe("decimal", () => {
  it("writes a decimal comma and thousands points, as the downloaded files do", () => {
    expect(decimal(1.5, 2)).toBe("1,5");
    expect(decimal(0.875, 2)).toBe("0,88");
    expect(decimal(1234.56, 1)).toBe("1.234,6");
    expect(decimal(722.4, 1)).toBe("722,4");
  });

  it("leaves out trailing zeros and never writes -0", () => {
    expect([decimal(2, 2), decimal(2.5, 2), decimal(-0.001, 2), decimal(-1.25, 1)]).toEqual(["2", "2,5", "0", "-1,3"]);
  });
});

describe("scoreAgainst", () => {
  it("writes a face score and its threshold with two decimals, as an employee's page does", () => {
    expect(scoreAgainst(0.875, 0.71)).toEqual(["0,88", "0,71"]);
  });

  it("writes more decimals only where two would show a score as equal to a threshold it is not", () => {
    expect(scoreAgainst(0.7092, 0.71)).toEqual(["0,709", "0,71"]);
    expect(scoreAgainst(0.71004, 0.71)).toEqual(["0,71", "0,71"]); // four decimals at most
    expect(scoreAgainst(0.71, 0.71)).toEqual(["0,71", "0,71"]);
  });
});

describe("localDate", () => {
  it("reads an instant's date in Jakarta, not in UTC", () => {
    expect(localDate("2026-11-02T17:30:00Z")).toBe("2026-11-03");
    expect(localDate("2026-11-02T16:59:59Z")).toBe("2026-11-02");
  });
});

describe("setZone", () => {
  afterEach(() => setZone(undefined));

  it("shows a WIT regency's times and dates on its clock, whatever the machine's (Jakarta here)", () => {
    setZone("Asia/Jayapura");
    expect(time("2026-11-02T21:30:00Z")).toBe("06.30");
    expect(dateTime("2026-11-09T15:30:00Z")).toContain("10 Nov 2026");
    expect(localDate("2026-11-02T15:30:00Z")).toBe("2026-11-03"); // 00.30 WIT: already the 3rd
    expect(arrival("2026-11-02T15:30:00Z", "2026-11-03")).toBe("00.30");
    expect(zoneName()).toBe("WIT");
  });

  it("goes back to WIB for a session that names no zone", () => {
    setZone("Asia/Makassar");
    expect(zoneName()).toBe("WITA");
    setZone(undefined);
    expect([zoneName(), time("2026-11-02T21:30:00Z")]).toEqual(["WIB", "04.30"]);
  });
});

describe("arrival", () => {
  it("marks a check-in of the date before, a night shift still running after midnight", () => {
    expect(arrival("2026-11-02T13:55:00Z", "2026-11-03")).toBe("20.55 (kemarin)");
  });

  it("shows a check-in of the day itself, or none, as a plain time", () => {
    expect(arrival("2026-11-03T00:02:00Z", "2026-11-03")).toBe("07.02");
    expect(arrival(null, "2026-11-03")).toBe("–");
  });
});

describe("sentAfter", () => {
  it("says how long after its photo an offline capture reached SMART, in hours and minutes", () => {
    expect(sentAfter("2026-12-03T00:25:00+00:00", "2026-12-03T03:37:40+00:00")).toBe("dikirim 3 jam 12 menit setelah foto diambil");
    expect(sentAfter("2026-12-03T00:25:00+00:00", "2026-12-03T00:37:00+00:00")).toBe("dikirim 12 menit setelah foto diambil");
    expect(sentAfter("2026-12-03T00:25:00+00:00", "2026-12-03T02:25:00+00:00")).toBe("dikirim 2 jam setelah foto diambil");
  });

  it("counts days for a capture that waited over a day, and less than a minute for one sent at once", () => {
    expect(sentAfter("2026-12-01T00:25:00+00:00", "2026-12-03T01:30:00+00:00")).toBe("dikirim 2 hari 1 jam 5 menit setelah foto diambil");
    expect(sentAfter("2026-12-03T00:25:00+00:00", "2026-12-03T00:25:59+00:00")).toBe("dikirim kurang dari 1 menit setelah foto diambil");
  });

  it("says when the photo is dated after it arrived: the phone's clock is ahead", () => {
    expect(sentAfter("2026-12-03T00:29:00+00:00", "2026-12-03T00:25:00+00:00")).toBe("foto bertanggal 4 menit sesudah diterima (jam ponsel tidak tepat)");
  });
});

describe("clockMoved", () => {
  it("says how far the app moved an offline capture's time from the phone's clock, and nothing when it did not", () => {
    expect(clockMoved(480)).toBe("jam ponsel terlambat 8 menit; waktu ini sudah disesuaikan aplikasi ke jam SMART");
    expect(clockMoved(-3_780)).toBe("jam ponsel 1 jam 3 menit lebih cepat; waktu ini sudah disesuaikan aplikasi ke jam SMART");
    expect(clockMoved(25)).toContain("25 detik");
    expect([clockMoved(0), clockMoved(null), clockMoved(undefined)]).toEqual([null, null, null]);
  });
});

describe("rangeHolding", () => {
  it("keeps a range that holds the saved dates", () => {
    expect(rangeHolding(["2026-12-01", "2026-12-07"], ["2026-12-03", "2026-12-04"])).toEqual(["2026-12-01", "2026-12-07"]);
  });

  it("widens it to a leave saved for next week, or last month", () => {
    expect(rangeHolding(["2026-12-01", "2026-12-07"], ["2026-12-14", "2026-12-18"])).toEqual(["2026-12-01", "2026-12-18"]);
    expect(rangeHolding(["2026-12-01", "2026-12-07"], ["2026-11-20", "2026-12-02"])).toEqual(["2026-11-20", "2026-12-07"]);
  });

  it("takes the saved dates alone past the API's longest range, or when the range is cleared", () => {
    expect(rangeHolding(["2026-12-01", "2026-12-07"], ["2028-01-05", "2028-01-06"])).toEqual(["2028-01-05", "2028-01-06"]);
    expect(rangeHolding(["", ""], ["2026-12-14", "2026-12-18"])).toEqual(["2026-12-14", "2026-12-18"]);
  });
});

describe("addDays", () => {
  it("moves a date across months and years", () => {
    expect(addDays("2026-12-08", 30)).toBe("2027-01-07");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});

describe("daysText", () => {
  it("writes days as people read them (every screen's dates), one day alone", () => {
    expect(daysText("2026-12-03", "2026-12-03")).toBe("3 Desember 2026");
    expect(daysText("2026-12-31", "2027-01-02")).toBe("31 Desember 2026 – 2 Januari 2027");
  });
});
