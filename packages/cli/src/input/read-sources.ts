import { createReadStream, statSync, readdirSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { Utf8Chunks } from "./utf8-chunks.js";

export interface InputSource {
  /** Name shown in evidence (`file:line`); `-` for stdin. */
  name: string;
  size?: number;
  /** The bytes; a chunk may be overwritten once the next one is asked for. */
  chunks(): AsyncIterable<Uint8Array>;
}

/**
 * At V8's external-string threshold (~1 MB): the chunk decodes into an external string, whose bytes malloc hands
 * out again once it is freed. Smaller chunks from 128 KiB up are strings in V8's large-object space, which maps
 * fresh pages for each: 256 KiB reads took 107k page faults and 1.3 s of system time per 1M-line benchmark run,
 * 1 MiB reads 35k and 0.45 s, for 15% less wall time. Lines waiting in the reorder buffer keep recent chunks past
 * young collections, so these strings are freed by full ones, which the GC tuning (gc-tuning.ts) runs at 35% heap
 * growth to keep the peak where 256 KiB reads had it (146 against 143 MiB); below 128 KiB the same lines make the
 * young collections copy the chunks instead.
 */
const READ_SIZE = 1 << 20;

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
    chunks: () => (path.endsWith(".gz") ? createReadStream(path, { highWaterMark: READ_SIZE }).pipe(createGunzip()) : readInPlace(path)),
  };
}

function stdinSource(): InputSource {
  return { name: "-", chunks: () => process.stdin };
}

/**
 * A plain file read into one buffer over and over: a stream allocates a fresh buffer per read, garbage that
 * held 5–10 MB more of RSS on the benchmark.
 */
async function* readInPlace(path: string): AsyncGenerator<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.allocUnsafe(READ_SIZE);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, READ_SIZE, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Streams a source as text. Bytes are decoded as UTF-8 with replacement, so invalid sequences become U+FFFD
 * in that line instead of aborting the read; a corrupt .gz reports how many bytes were read before it broke.
 */
export async function* readText(src: InputSource): AsyncGenerator<string> {
  const text = new Utf8Chunks();
  let bytes = 0;
  try {
    for await (const chunk of src.chunks()) {
      bytes += chunk.length;
      yield text.decode(chunk);
    }
  } catch (err) {
    throw new Error(`${src.name}: read failed after ${bytes} bytes of input: ${(err as Error).message}`);
  }
  const tail = text.end();
  if (tail) yield tail;
}
