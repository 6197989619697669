// The plugin against `edgeproof serve --lifecycle`: the detail view gains the audit trail and annotations the
// lifecycle state; against a server without the feature nothing of it appears (datasource.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataFrame } from "@grafana/data";
import { spawnServe, type ServeProcess } from "../../cli/src/serve/testing/spawn-serve";
import { col, FROM, makeDataSource, request, TO, useVariables } from "../test/grafana-env";

const TOKEN = "lifecycle-frames-token";

describe("lifecycle in the Grafana data source", () => {
  let srv: ServeProcess;
  let dir: string;
  const call = async (path: string, body?: unknown) =>
    (await fetch(srv.url + path, { method: body ? "POST" : "GET", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) })).json() as Promise<any>;

  beforeAll(async () => {
    useVariables({});
    dir = mkdtempSync(join(tmpdir(), "edgeproof-grafana-lc-"));
    writeFileSync(join(dir, "token"), TOKEN);
    srv = await spawnServe(["fixtures/demo", "--data-dir", join(dir, "data"), "--lifecycle", "--token-file", join(dir, "token")]);
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows the state and the audit trail in the detail frames and the annotations", async () => {
    const items = (await call(`/api/incidents?from=${Date.parse(FROM)}&to=${Date.parse(TO)}&limit=1000`)).items;
    const target = items.find((i: any) => i.severity === "P0") ?? items[0];
    await call(`/api/incidents/${target.id}/ack`, { by: "ana", note: "on it" });
    const ds = makeDataSource(srv.url, TOKEN);
    const res = await ds.query(request([{ refId: "D", queryType: "incident", incidentId: target.id }], FROM, TO));
    const byName = Object.fromEntries((res.data as DataFrame[]).map((f) => [f.name, f]));
    expect(col(byName.proof, "lifecycle")).toEqual(["acknowledged"]);
    expect(col(byName.lifecycle, "to")).toEqual(["detected", "acknowledged"]);
    expect(col(byName.lifecycle, "by")).toEqual(["edgeproof", "ana"]);
    expect(col(byName.lifecycle, "note")[1]).toBe("on it");
    expect(col(byName.proof, "proof")[0]).toContain("lifecycle acknowledged");

    const ann = (await ds.query(request([{ refId: "A", queryType: "annotations" }], FROM, TO))).data[0] as DataFrame;
    const row = col(ann, "id").indexOf(target.id);
    expect(col(ann, "tags")[row]).toContain("acknowledged");
    expect(col(ann, "text")[row]).toContain("lifecycle acknowledged");
  });
});
