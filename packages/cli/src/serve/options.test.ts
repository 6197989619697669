import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveSettings } from "./options.js";

describe("serve settings", () => {
  it("uses a directory's k8s/ folder as the snapshot unless Kubernetes was configured", () => {
    expect(resolveSettings(["fixtures/demo"], {}, {}).k8sSnapshot).toBe(join("fixtures/demo", "k8s"));
    expect(resolveSettings(["fixtures/demo"], { kubeconfig: "/x" }, {}).k8sSnapshot).toBeUndefined();
    expect(resolveSettings(["fixtures/demo/access.log"], {}, {}).k8sSnapshot).toBeUndefined();
  });

  it("demands a token for a non-loopback bind, from a file or the environment", () => {
    expect(() => resolveSettings([], { bind: "0.0.0.0" }, {})).toThrow(/--token-file FILE or EDGEPROOF_TOKEN/);
    expect(resolveSettings([], { bind: "0.0.0.0" }, { EDGEPROOF_TOKEN: "t" }).token).toBe("t");
    expect(resolveSettings([], { bind: "127.0.0.2" }, {}).token).toBeUndefined();
  });

  it("reads edgeproof.yaml, lets flags win, and names the unknown key of a wrong config", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-cfg-"));
    try {
      const good = join(dir, "good.yaml");
      writeFileSync(good, "port: 9000\nretention: 2d\nredactParams: [otc]\nloki:\n  url: http://127.0.0.1:3100\n  query: ['{job=\"nginx\"}']\n");
      const s = resolveSettings([], { config: good, port: "9001" }, {});
      expect(s.port).toBe(9001);
      expect(s.redactParam).toEqual(["otc"]);
      expect(resolveSettings([], { config: good, redactParam: ["pin"] }, {}).redactParam).toEqual(["pin"]);
      expect(s.retentionMs).toBe(2 * 86_400_000);
      expect(s.loki).toMatchObject({ loki: "http://127.0.0.1:3100", query: ['{job="nginx"}'], intervalMs: 15_000 });
      const bad = join(dir, "bad.yaml");
      writeFileSync(bad, "port: 9000\nretension: 2d\n");
      expect(() => resolveSettings([], { config: bad }, {})).toThrow(/Unrecognized key: "retension"/);
      expect(() => resolveSettings([], { retention: "a week" }, {})).toThrow(/--retention must be a duration/);
      const proxied = join(dir, "proxied.yaml");
      writeFileSync(proxied, "clientIp:\n  from: forwarded\n  trustedProxies: [10.0.0.0/8, 2001:db8::/32]\nnginxLogFormat: '$remote_addr [$time_local] \"$request\" $status'\n");
      const p = resolveSettings([], { config: proxied }, {});
      expect(p).toMatchObject({ clientIp: "forwarded", trustedProxies: "10.0.0.0/8,2001:db8::/32", nginxLogFormat: '$remote_addr [$time_local] "$request" $status' });
      expect(resolveSettings([], { config: proxied, trustedProxies: "192.168.0.0/16" }, {}).trustedProxies).toBe("192.168.0.0/16");
      writeFileSync(bad, "clientIp:\n  from: header\n");
      expect(() => resolveSettings([], { config: bad }, {})).toThrow(/clientIp\.from/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
