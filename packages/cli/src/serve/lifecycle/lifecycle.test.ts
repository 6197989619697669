// The responder lifecycle over HTTP: transitions with an audit trail, every write behind the token, and
// nothing of it visible when the feature is off.
import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { CLI, REPO, eventually } from "../testing/spawn-serve.js";
import { served, type Served } from "../alerting/testing/harness.js";
import { allowedActions } from "./states.js";

describe("incident lifecycle", () => {
  const running: Served[] = [];
  const serve = async (args: string[]) => {
    const s = served(args);
    running.push(s);
    await s.start();
    return s;
  };
  afterEach(async () => {
    for (const s of running.splice(0)) await s.srv.stop();
  });
  const firstIncident = async (s: Served) =>
    eventually(async () => ((await s.get("/api/incidents?from=0&to=9999999999999")).items as any[])[0]?.id as string | undefined, 10_000, "an incident");

  it("walks detected → acknowledged → investigating → resolved → closed with an audit entry per step", async () => {
    const s = await serve(["--lifecycle"]);
    s.probe("192.0.2.70", "/p3");
    const id = await firstIncident(s);
    const steps: Array<[string, string]> = [["ack", "acknowledged"], ["investigate", "investigating"], ["resolve", "resolved"], ["close", "closed"]];
    for (const [action, state] of steps) {
      const r = await s.post(`/api/incidents/${id}/${action}`, { by: "ana", note: `step ${action}` });
      expect(r.status).toBe(200);
      expect(r.body.state).toBe(state);
    }
    const detail = await s.get(`/api/incidents/${id}`);
    expect(detail.lifecycle.state).toBe("closed");
    expect(detail.lifecycle.audit.map((a: any) => [a.by, a.from, a.to, a.note])).toEqual([
      ["edgeproof", null, "detected", "p3-probe fired"],
      ["ana", "detected", "acknowledged", "step ack"],
      ["ana", "acknowledged", "investigating", "step investigate"],
      ["ana", "investigating", "resolved", "step resolve"],
      ["ana", "resolved", "closed", "step close"],
    ]);
    expect(detail.proof.json.lifecycle.state).toBe("closed");
    expect(detail.proof.text).toMatch(/\nlifecycle closed\n {2}\S+ {2}edgeproof: - → detected \(p3-probe fired\)\n(.*\n){3} {2}\S+ {2}ana: resolved → closed \(step close\)\n─+$/);
  });

  it("refuses bad writes: wrong token 401, unknown id 404, invalid transition 409 with the allowed ones, bad body 400", async () => {
    const s = await serve(["--lifecycle"]);
    s.probe("192.0.2.71", "/p3");
    const id = await firstIncident(s);
    expect((await s.post(`/api/incidents/${id}/ack`, { by: "mallory" }, "wrong-token")).status).toBe(401);
    const noAuth = await fetch(`${s.srv.url}/api/incidents/${id}/ack`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"by":"x"}' });
    expect(noAuth.status).toBe(401); // loopback too
    const unknown = await s.post("/api/incidents/000000000000/ack", { by: "ana" });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'no incident with id "000000000000"' } });
    expect((await s.post(`/api/incidents/${id}/ack`, { who: "ana" })).status).toBe(400);
    expect((await s.post(`/api/incidents/${id}/ack`, { by: "" })).status).toBe(400);
    expect((await s.post(`/api/incidents/${id}/resolve`, { by: "ana" })).status).toBe(200);
    expect(await s.post(`/api/incidents/${id}/ack`, { by: "ana" })).toEqual({ status: 409, body: { error: "cannot ack an incident that is resolved", state: "resolved", allowed: ["close"] } });
    expect((await s.post(`/api/incidents/${id}/close`, { by: "ana" })).status).toBe(200);
    expect(await s.post(`/api/incidents/${id}/resolve`, { by: "ana" })).toEqual({ status: 409, body: { error: "cannot resolve an incident that is closed", state: "closed", allowed: [] } });
    // The refused writes left no trace.
    expect((await s.get(`/api/incidents/${id}`)).lifecycle.audit.map((a: any) => a.to)).toEqual(["detected", "resolved", "closed"]);
  });

  it("does not exist when off: no route, capability, OpenAPI path or field", async () => {
    const s = await serve([]);
    s.probe("192.0.2.72", "/p3");
    const id = await firstIncident(s);
    const r = await s.post(`/api/incidents/${id}/ack`, { by: "ana" });
    expect(r.status).toBe(405);
    const caps = await s.caps();
    expect(caps.features).not.toContain("lifecycle");
    expect(JSON.stringify(caps)).not.toMatch(/lifecycle|acknowledg/);
    expect(JSON.stringify(await s.get("/api/openapi.json"))).not.toMatch(/lifecycle|\/ack|acknowledg/);
    const detail = await s.get(`/api/incidents/${id}`);
    expect(detail.lifecycle).toBeUndefined();
    expect(JSON.stringify(detail)).not.toMatch(/lifecycle|acknowledg/);
  });

  it("allows only forward moves", () => {
    expect(allowedActions("detected")).toEqual(["ack", "investigate", "resolve", "close"]);
    expect(allowedActions("investigating")).toEqual(["resolve", "close"]);
    expect(allowedActions("closed")).toEqual([]);
  });

  it("states a detection that goes on after `resolved` and moves the incident back to detected", async () => {
    const s = await serve(["--lifecycle"]);
    s.probe("192.0.2.73", "/p3");
    const id = await firstIncident(s);
    expect((await s.post(`/api/incidents/${id}/resolve`, { by: "ana", note: "blocked it" })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100)); // later event time for the same client
    s.probe("192.0.2.73", "/p3");
    const back = await eventually(async () => {
      const lc = (await s.get(`/api/incidents/${id}`)).lifecycle;
      return lc.state === "detected" ? lc : undefined;
    }, 10_000, "reopened");
    const last = back.audit[back.audit.length - 1];
    expect(last).toMatchObject({ by: "edgeproof", from: "resolved", to: "detected" });
    expect(last.note).toMatch(/^detected again after it was resolved: the window now ends \S+ \(was \S+\), 6 requests$/);
  });

  it("refuses --lifecycle without a token", () => {
    const r = spawnSync(process.execPath, [CLI, "serve", "--lifecycle", "--port", "0"], { cwd: REPO, encoding: "utf8", env: { ...process.env, EDGEPROOF_TOKEN: "" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--lifecycle lets clients change incidents, so it needs a bearer token");
  });
});
