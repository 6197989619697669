import { alertmanager, simpleConfig, startReceiver } from "./packages/cli/src/serve/alerting/testing/alertmanager.ts";
import { served } from "./packages/cli/src/serve/alerting/testing/harness.ts";
import { sleep } from "./packages/cli/src/serve/testing/spawn-serve.ts";
const rec = await startReceiver();
const am = await alertmanager(simpleConfig(rec.url)); await am.start();
const s = served(["--alertmanager", am.url, "--alert-resend", "2s"]);
await s.start();
const lat: number[] = [];
for (let i = 0; i < 10; i++) {
  const ip = `198.18.0.${i + 1}`;
  const t0 = Date.now();
  s.probe(ip, "/p2");
  while (!rec.got.some((n) => n.alerts.some((a) => a.labels.client_ip === ip))) await sleep(20);
  lat.push(Date.now() - t0);
}
await sleep(6000);
const caps = (await s.caps()).alerting.sinks[0];
lat.sort((a, b) => a - b);
console.log(JSON.stringify({ latencies: lat, median: lat[5], max: lat[9], sent: caps.sent, notifications: rec.got.length, firingPerIncident: rec.got.filter(n=>n.status==="firing").length / 10 }));
await s.srv.stop(); await am.stop(); await rec.close();
