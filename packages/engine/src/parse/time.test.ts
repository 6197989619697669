import { describe, expect, it } from "vitest";
import { parseIso8601, parseNginxErrorTime, parseTimeLocal } from "./time.js";

describe("parseTimeLocal", () => {
  it("reads $time_local with its offset", () => {
    expect(parseTimeLocal("31/Mar/2021:12:04:07 +0000")).toBe(Date.UTC(2021, 2, 31, 12, 4, 7));
    expect(parseTimeLocal("29/Jul/2023:10:26:06 -0700")).toBe(Date.UTC(2023, 6, 29, 17, 26, 6));
    expect(parseTimeLocal("20/Jan/2015:19:53:28 +0100")).toBe(Date.UTC(2015, 0, 20, 18, 53, 28));
  });
  it("handles leap days and rejects impossible dates", () => {
    expect(parseTimeLocal("29/Feb/2024:00:00:00 +0000")).toBe(Date.UTC(2024, 1, 29));
    for (const bad of ["29/Feb/2023:00:00:00 +0000", "31/Apr/2021:00:00:00 +0000", "01/Foo/2021:00:00:00 +0000", "01/Jan/2021:24:00:00 +0000", "31/Jan/2015:14:29:44 ", "01/Jan/2021:00:00:00 +00:00x"]) {
      expect(parseTimeLocal(bad)).toBeNaN();
    }
  });
  it("agrees with Date.UTC over many dates", () => {
    const months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (let y = 1970; y <= 2100; y += 7) {
      for (let m = 0; m < 12; m++) {
        const d = 1 + ((y + m) % 28);
        const s = `${String(d).padStart(2, "0")}/${months.slice(m * 3, m * 3 + 3)}/${y}:13:45:59 +0530`;
        expect(parseTimeLocal(s)).toBe(Date.UTC(y, m, d, 13, 45, 59) - 330 * 60000);
      }
    }
  });
});

describe("parseIso8601", () => {
  it("reads RFC 3339 with fractions and zones", () => {
    expect(parseIso8601("2016-04-15T20:17:00.310Z")).toBe(Date.UTC(2016, 3, 15, 20, 17, 0, 310));
    expect(parseIso8601("2025-12-31T17:37:40.493035218+01:00")).toBe(Date.UTC(2025, 11, 31, 16, 37, 40, 493));
    expect(parseIso8601("2021-12-08T14:02:43Z")).toBe(Date.UTC(2021, 11, 8, 14, 2, 43));
    expect(parseIso8601("2024-01-01T00:00:00-0500")).toBe(Date.UTC(2024, 0, 1, 5));
  });
  it("rejects junk", () => {
    for (const bad of ["2024-13-01T00:00:00Z", "2024-01-01", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Zjunk", "yesterday"]) {
      expect(parseIso8601(bad)).toBeNaN();
    }
  });
});

describe("parseNginxErrorTime", () => {
  it("reads the zone-less error-log time as UTC", () => {
    expect(parseNginxErrorTime("2021/04/01 13:02:31")).toBe(Date.UTC(2021, 3, 1, 13, 2, 31));
    expect(parseNginxErrorTime("2021-04-01 13:02:31")).toBeNaN();
  });
});
