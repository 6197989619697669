/**
 * Decoding of values as nginx writes them, once.
 *
 * One decoder serves both nginx escape modes because their escapes never overlap:
 * - escape=default writes `"`, `\`, bytes < 0x20 and > 0x7E as `\xXX` (so a bare `\\` or `\"` never occurs);
 * - escape=json writes `\"`, `\\`, `\n \r \t \b \f` and `\u00XX` (so `\x` never occurs).
 * With escape=none nothing is escaped and the value is returned as is.
 *
 * Bytes >= 0x80 written as `\xXX` are UTF-8 decoded when they form valid UTF-8 (`\xC3\xA9` → `é`). Runs
 * that are not valid UTF-8 (binary probes, overlong `\xC0\xAE` traversal tricks) are kept in their escaped
 * `\xXX` spelling rather than turned into U+FFFD, so no evidence is lost; the price is that a decoded
 * backslash followed by `xHH` reads the same as such a kept run, which we accept.
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function hexByteAt(s: string, i: number): number {
  const hi = hexVal(s.charCodeAt(i));
  const lo = hexVal(s.charCodeAt(i + 1));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

const SIMPLE: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" };

/** Decodes nginx escapes in `s[start, end)`; returns the same characters when there is no backslash. */
export function decodeLogged(s: string, start = 0, end = s.length): string {
  const first = s.indexOf("\\", start);
  if (first < 0 || first >= end) return s.slice(start, end);
  let out = s.slice(start, first);
  let i = first;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 92 || i + 1 >= end) {
      const next = s.indexOf("\\", i + 1);
      const stop = next < 0 || next > end ? end : next;
      out += s.slice(i, stop);
      i = stop;
      continue;
    }
    const e = s[i + 1];
    if (e === "x" && i + 4 <= end && hexByteAt(s, i + 2) >= 0) {
      const [text, next] = decodeByteRun(s, i, end);
      out += text;
      i = next;
    } else if (e === "u" && i + 6 <= end && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
      i += 6;
    } else if (SIMPLE[e] !== undefined) {
      out += SIMPLE[e];
      i += 2;
    } else {
      out += "\\";
      i += 1;
    }
  }
  return out;
}

/** A run of consecutive `\xXX` escapes starting at i: ASCII bytes decode directly, others as UTF-8 if valid. */
function decodeByteRun(s: string, i: number, end: number): [string, number] {
  const bytes: number[] = [];
  let p = i;
  while (p + 4 <= end && s.charCodeAt(p) === 92 && s[p + 1] === "x") {
    const b = hexByteAt(s, p + 2);
    if (b < 0) break;
    bytes.push(b);
    p += 4;
  }
  let out = "";
  let k = 0;
  while (k < bytes.length) {
    if (bytes[k] < 0x80) {
      out += String.fromCharCode(bytes[k]);
      k++;
      continue;
    }
    let j = k;
    while (j < bytes.length && bytes[j] >= 0x80) j++;
    const high = bytes.slice(k, j);
    try {
      out += utf8.decode(new Uint8Array(high));
    } catch {
      out += s.slice(i + k * 4, i + j * 4);
    }
    k = j;
  }
  return [out, p];
}
