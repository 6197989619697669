import { expect } from "vitest";

/** Reads Server-Sent Events from /api/stream into a list as they arrive. */
export async function openStream(url: string) {
  const ctrl = new AbortController();
  const res = await fetch(`${url}/api/stream`, { signal: ctrl.signal });
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events: Array<{ event: string; data: any }> = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += value;
      let cut: number;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  })();
  return { events, close: () => (ctrl.abort(), pump) };
}
