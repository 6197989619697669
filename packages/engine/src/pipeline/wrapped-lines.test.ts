import { describe, expect, it } from "vitest";
import { Pipeline } from "./pipeline.js";

const line = (second: number, path: string) => `203.0.113.7 - - [20/Nov/2026:10:00:0${second} +0000] "GET ${path} HTTP/1.1" 200 12 "-" "curl/8.5.0"`;

/**
 * A line waits in the reorder buffer as its bounds in the chunk, and is parsed on release from the head it was
 * dated by. For a wrapped line that head's offsets are into the access-log text inside the wrapper, not the line.
 */
describe("wrapped lines waiting in the reorder buffer", () => {
  it("parse on release from the access-log text inside their CRI or syslog wrapper", () => {
    const wrappers = ["", "2026-11-20T10:00:00.123456789Z stdout F ", "Nov 20 10:00:00 edge nginx: "];
    const p = new Pipeline({ packs: [] });
    // Out of order within the allowed lateness, so every line waits before it is parsed.
    const lines = [3, 1, 2, 0].flatMap((s) => wrappers.map((w, i) => w + line(s, `/p${s}-${i}`)));
    p.pushText(lines.join("\n") + "\n", { file: "wrapped.log" });
    p.flush();
    expect(p.stats.rejected).toEqual({});
    expect(p.stats.events).toBe(lines.length);
    expect(p.stats.byFormat).toEqual({ combined: lines.length });
  });
});
