import { decodeLogged } from "./escape.js";

export type JsonObject = Record<string, unknown>;

/**
 * JSON.parse, then one repair pass for what nginx really writes into "JSON" log formats:
 * - unquoted numeric variables that are unset come out as a bare `-` (`"status": -`) → null;
 * - escape=default writes `\xXX` inside strings, which JSON does not allow → decoded and re-escaped;
 * - escape=none writes raw quotes inside strings → a quote only ends a string when the next
 *   non-blank character is `,` `}` `]` `:` or the end; any other quote is taken as a literal.
 * Returns the object or an error message.
 */
export function parseJsonTolerant(line: string): JsonObject | string {
  const first = tryParse(line);
  if (typeof first !== "string") return first;
  const repaired = tryParse(repair(line));
  return typeof repaired === "string" ? first : repaired;
}

function tryParse(s: string): JsonObject | string {
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : "not a JSON object";
  } catch (e) {
    return e instanceof Error ? e.message : "invalid JSON";
  }
}

function closesString(s: string, q: number): boolean {
  let i = q + 1;
  while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  return i === s.length || ",}]:".includes(s[i]);
}

function repair(s: string): string {
  let out = "";
  let i = 0;
  let inString = false;
  let copyFrom = 0;
  while (i < s.length) {
    const c = s[i];
    if (inString) {
      if (c === "\\" && s[i + 1] === "x") {
        let j = i;
        while (s[j] === "\\" && s[j + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(s.slice(j + 2, j + 4))) j += 4;
        if (j === i) {
          i += 2;
          continue;
        }
        out += s.slice(copyFrom, i) + JSON.stringify(decodeLogged(s, i, j)).slice(1, -1);
        i = copyFrom = j;
      } else if (c === "\\") {
        i += 2;
      } else if (c === '"') {
        if (closesString(s, i)) inString = false;
        else {
          out += s.slice(copyFrom, i) + '\\"';
          copyFrom = i + 1;
        }
        i++;
      } else i++;
    } else if (c === '"') {
      inString = true;
      i++;
    } else if (c === "-" && !/[0-9.]/.test(s[i + 1] ?? "")) {
      out += s.slice(copyFrom, i) + "null";
      copyFrom = ++i;
    } else i++;
  }
  return out + s.slice(copyFrom);
}

/** String value of a key; `-`, "", null and absent all read as undefined (nginx spellings of "unset"). */
export function str(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  if (typeof v === "string") return v === "" || v === "-" ? undefined : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** Numeric value of a key, accepting numbers and numeric strings; undefined otherwise. */
export function num(o: JsonObject, key: string): number | undefined {
  const v = o[key];
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v !== "" && v !== "-") {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function firstStr(o: JsonObject, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = str(o, k);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function firstNum(o: JsonObject, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const v = num(o, k);
    if (v !== undefined) return v;
  }
  return undefined;
}
