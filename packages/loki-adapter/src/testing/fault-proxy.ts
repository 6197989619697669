/**
 * TEST INFRASTRUCTURE. A loopback HTTP proxy that forwards to a target (the Loki-API test server)
 * and injects faults by request number: an HTTP status (e.g. 429 with Retry-After, 500, 503 with
 * an HTML body), a delay before answering, a dropped connection before any answer, or an answer cut
 * off in the middle of its body.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string> }
  | { kind: "delay"; ms: number }
  | { kind: "drop" }
  | { kind: "truncate" };

/** Decides the fault for the n-th request (0-based) reaching the proxy; undefined = pass through. */
export type FaultPlan = (n: number, path: string) => Fault | undefined;

export class FaultProxy {
  /** What the proxy did with each request, in order: "pass" or the fault kind (+status). */
  readonly log: string[] = [];
  private server?: Server;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly target: () => string,
    private readonly plan: FaultPlan,
  ) {}

  async listen(): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const n = this.log.length;
    const fault = this.plan(n, req.url ?? "/");
    this.log.push(fault ? (fault.kind === "status" ? `status ${fault.status}` : fault.kind) : "pass");
    if (fault?.kind === "status") {
      res.writeHead(fault.status, { "Content-Type": "text/plain; charset=utf-8", ...fault.headers });
      res.end(fault.body ?? "");
      return;
    }
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "delay") {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!res.destroyed) this.forward(req, res, false);
      }, fault.ms);
      this.timers.add(t);
      return;
    }
    this.forward(req, res, fault?.kind === "truncate");
  }

  private forward(req: IncomingMessage, res: ServerResponse, truncate: boolean): void {
    const upstream = request(
      new URL(req.url ?? "/", this.target()),
      { method: req.method, headers: { ...req.headers, host: new URL(this.target()).host, connection: "close" } },
      (up) => {
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          const body = Buffer.concat(chunks);
          const headers = { ...up.headers, "content-length": String(body.length) };
          delete headers["transfer-encoding"];
          res.writeHead(up.statusCode ?? 502, headers);
          if (truncate) {
            res.write(body.subarray(0, Math.floor(body.length / 2)));
            res.socket?.destroy();
          } else res.end(body);
        });
      },
    );
    upstream.on("error", (err) => {
      if (res.headersSent) return void res.socket?.destroy();
      res.writeHead(502, { "Content-Type": "text/html" });
      res.end(`<html><body><h1>502 Bad Gateway</h1>${err.message}</body></html>`);
    });
    req.pipe(upstream);
  }
}
