import { describe, expect, it } from "vitest";
import { LineCutter } from "./line-cutter.js";

describe("LineCutter", () => {
  it("keeps exact byte lengths through CRLF, multi-byte and invalid UTF-8, and holds back a partial line", () => {
    const c = new LineCutter();
    const bytes = Buffer.concat([Buffer.from("a\r\nü€\n"), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from("tail")]);
    const cut = [...c.push(bytes.subarray(0, 5)), ...c.push(bytes.subarray(5))];
    expect(cut.map((l) => l.text)).toEqual(["a", "ü€", "\uFFFD\uFFFD"]);
    expect(cut.reduce((n, l) => n + l.bytes, 0) + c.pending).toBe(bytes.length);
    expect(cut.map((l) => l.bytes)).toEqual([3, 6, 3]);
    expect(c.pending).toBe(4);
    expect(c.flush()).toEqual([{ text: "tail", bytes: 4 }]);
    expect(c.pending).toBe(0);
  });

  it("joins a line split anywhere across chunks, even inside a multi-byte character", () => {
    const text = Buffer.from("first €uro line\nsecond\n");
    for (let at = 0; at <= text.length; at++) {
      const c = new LineCutter();
      const lines = [...c.push(text.subarray(0, at)), ...c.push(text.subarray(at))];
      expect(lines.map((l) => l.text), `split at ${at}`).toEqual(["first €uro line", "second"]);
    }
  });
});
