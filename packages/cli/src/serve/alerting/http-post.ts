/**
 * POST of a JSON body over node:http(s), because alert sinks may need a private CA (`caFile`), which the
 * global fetch cannot take without an undici dependency. Resolves with any HTTP answer; rejects only when
 * no answer came (refused, reset, DNS, timeout).
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface PostAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

export interface PostOptions {
  headers: Record<string, string>;
  ca?: string;
  timeoutMs: number;
}

const MAX_ANSWER = 4096;

export function postJson(url: string, body: string, o: PostOptions): Promise<PostAnswer> {
  const u = new URL(url);
  const request = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...o.headers }, ca: o.ca, timeout: o.timeoutMs },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          if (text.length < MAX_ANSWER) text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: (res.headers["retry-after"] as string | undefined) ?? null, body: text.slice(0, MAX_ANSWER) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
