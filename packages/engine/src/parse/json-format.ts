import { fail } from "./draft.js";
import { newValues, slotOf, TIME_VARIABLES, toDraft, VARIABLES } from "./format-fields.js";
import { parseJsonTolerant } from "./json-repair.js";
import { LogFormatError, type CompiledFormat } from "./nginx-format.js";
import { literalRequest } from "./request.js";

export const PREFIX = "json:";

/**
 * Where JSON.parse stopped, 0-based, from its message: V8 names a position ("... in JSON at position 12"),
 * except for an unexpected token, where it quotes the text around it (`Unexpected token '$', ..."a": $x}"
 * is not valid JSON`), starting 10 characters before the token when it is further in (the `...`).
 */
function errorOffset(body: string, message: string): number {
  const p = /position (\d+)/.exec(message);
  if (p) return Number(p[1]);
  const t = /^Unexpected token '(.)', (\.\.\.)?"(.*?)"(\.\.\.)? is not valid JSON/.exec(message);
  if (!t) return 0;
  const at = body.indexOf(t[3]);
  if (at < 0) return 0;
  return t[2] ? at + 10 : at + t[3].indexOf(t[1]);
}

/**
 * `json:{"time":"$time_iso8601","client":"$remote_addr",...}`: which key of a JSON access log holds which
 * nginx variable, the way the log_format that wrote it reads (a JSON `log_format` pasted as is works).
 * Values may also name the variable without `$`. Keys holding other variables are read as opaque; a
 * mapping without a time variable or `$status` is refused like a text format.
 */
export function compileJsonKeyMap(spec: string): CompiledFormat {
  const body = spec.slice(PREFIX.length);
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new LogFormatError(PREFIX.length + errorOffset(body, (e as Error).message) + 1, `not JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new LogFormatError(PREFIX.length + 1, "expected a JSON object of key: \"$variable\"");
  const keys: string[] = [];
  const slots: number[] = [];
  const names: string[] = [];
  for (const [key, v] of Object.entries(doc as Record<string, unknown>)) {
    const at = spec.indexOf(JSON.stringify(key)) + 1;
    if (typeof v !== "string" || !/^\$?\{?[A-Za-z0-9_]+\}?$/.test(v.trim())) throw new LogFormatError(at, `${JSON.stringify(key)} must map to one nginx variable such as "$remote_addr"`);
    const name = v.trim().replace(/^\$/, "").replace(/^\{(.*)\}$/, "$1");
    keys.push(key);
    slots.push(slotOf(name));
    names.push(name);
  }
  if (!names.some((n) => (TIME_VARIABLES as readonly string[]).includes(n))) throw new LogFormatError(1, "no key maps to a time variable ($time_local, $time_iso8601 or $msec)");
  if (!names.includes("status")) throw new LogFormatError(1, "no key maps to $status");
  const values = newValues();
  return {
    variables: names,
    parse(line) {
      const o = parseJsonTolerant(line.trimStart());
      if (typeof o === "string") return fail("bad-field", `invalid JSON: ${o}`);
      values.fill(undefined);
      for (let k = 0; k < keys.length; k++) {
        const slot = slots[k];
        if (slot < 0) continue;
        const v = o[keys[k]];
        if (v === undefined || v === null || v === "" || v === "-") continue;
        const s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
        // JSON values are decoded already; the request line is handed on in the spelling parseRequest expects.
        values[slot] = VARIABLES[slot] === "request" || VARIABLES[slot] === "request_uri" ? literalRequest(s) : s;
      }
      return toDraft(values);
    },
  };
}
