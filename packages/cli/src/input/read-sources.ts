import { createReadStream, statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";

export interface InputSource {
  /** Name shown in evidence (`file:line`); `-` for stdin. */
  name: string;
  size?: number;
  open(): Readable;
}

const LOG_FILE = /\.(log|txt|jsonl|ndjson)(\.gz)?$|\.gz$/;

/** Expands the positional inputs: files as given, directories to their log files (sorted), `-` to stdin. */
export function resolveInputs(args: string[]): InputSource[] {
  if (args.length === 0) return [stdinSource()];
  return args.flatMap((arg) => {
    if (arg === "-") return [stdinSource()];
    const st = statSync(arg);
    if (st.isDirectory()) {
      return readdirSync(arg)
        .filter((f) => LOG_FILE.test(f))
        .sort()
        .map((f) => fileSource(join(arg, f)));
    }
    return [fileSource(arg)];
  });
}

function fileSource(path: string): InputSource {
  return {
    name: path,
    size: statSync(path).size,
    open() {
      const raw = createReadStream(path, { highWaterMark: 1 << 20 });
      return path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
    },
  };
}

function stdinSource(): InputSource {
  return { name: "-", open: () => process.stdin };
}

/**
 * Streams a source as text. Bytes are decoded as UTF-8 with replacement, so invalid sequences become U+FFFD
 * in that line instead of aborting the read; a corrupt .gz reports how many bytes were read before it broke.
 */
export async function* readText(src: InputSource): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let bytes = 0;
  try {
    for await (const chunk of src.open()) {
      bytes += (chunk as Buffer).length;
      yield decoder.decode(chunk as Buffer, { stream: true });
    }
  } catch (err) {
    throw new Error(`${src.name}: read failed after ${bytes} bytes of input: ${(err as Error).message}`);
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}
