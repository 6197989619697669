/** Output is handed to the writer in pieces of about this size. */
const PIECE = 1 << 20;

/** Collects text and hands it to `write` in pieces of about PIECE characters; end() hands over the rest. */
function piecewise(write: (text: string) => void): { emit(text: string): void; end(): void } {
  let buffered = "";
  return {
    emit(text) {
      buffered += text;
      if (buffered.length >= PIECE) {
        write(buffered);
        buffered = "";
      }
    },
    end() {
      if (buffered) write(buffered);
      buffered = "";
    },
  };
}

/**
 * Writes `JSON.stringify(value, null, 2) + "\n"` for an object whose array fields may be long, element by
 * element: the same bytes without ever holding the whole text. A run that finds ten thousand incidents (a
 * botnet's scan) renders about 100 MB of JSON, which as one string added hundreds of MB to the peak.
 */
export function writeJson(value: Record<string, unknown>, write: (text: string) => void): void {
  const out = piecewise(write);
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function");
  out.emit(entries.length ? "{\n" : "{}");
  entries.forEach(([key, v], i) => {
    out.emit(`  ${JSON.stringify(key)}: `);
    if (Array.isArray(v) && v.length) {
      out.emit("[\n");
      v.forEach((item, j) => out.emit(`    ${indented(item, "    ")}${j < v.length - 1 ? "," : ""}\n`));
      out.emit("  ]");
    } else out.emit(indented(v, "  "));
    out.emit(i < entries.length - 1 ? ",\n" : "\n}");
  });
  out.emit("\n");
  out.end();
}

/** One JSON document per line, written as writeJson writes. */
export function writeNdjson(items: unknown[], write: (text: string) => void): void {
  const out = piecewise(write);
  for (const item of items) out.emit(JSON.stringify(item) + "\n");
  out.end();
}

/** JSON.stringify(v, null, 2) as it reads nested at `indent`: JSON text holds no raw newline but its own. */
function indented(v: unknown, indent: string): string {
  return (JSON.stringify(v, null, 2) ?? "null").replaceAll("\n", `\n${indent}`);
}
