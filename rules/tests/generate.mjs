// Writes the input logs of the default-pack tests (rules/*/tests/*/access.log). Deterministic: no clock,
// no randomness, so the checked-in logs are exactly what this script produces.
//   node rules/tests/generate.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

function clf(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** One combined-format line; `request` is the raw request line. */
function line(ip, atMs, request, status, ua = BROWSER, bytes = 512) {
  return `${ip} - - [${clf(atMs)}] "${request}" ${status} ${bytes} "-" "${ua}"`;
}
const get = (path) => `GET ${path} HTTP/1.1`;

/** ingress-nginx upstreaminfo line, so reliability rules see the upstream. */
function ingress(ip, atMs, path, status, upstream = "shop-api-80", addr = "10.0.2.21:8080") {
  return `${ip} - - [${clf(atMs)}] "GET ${path} HTTP/1.1" ${status} 128 "-" "${BROWSER}" 356 0.050 [${upstream}] [] ${addr} 128 0.050 ${status} 0123456789abcdef0123456789abcdef`;
}

function write(rel, lines) {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.sort((a, b) => a.t - b.t).map((l) => l.text).join("\n") + "\n");
}
const at = (t, text) => ({ t, text });
const seq = (n, f) => Array.from({ length: n }, (_, i) => f(i));

// --- security: positives -----------------------------------------------------------------------------
write("security/tests/probing-burst/access.log", [
  ...seq(12, (i) => at(T0 + i * 400, line("203.0.113.10", T0 + i * 400, get(`/old-page-${i}.php`), 404, "curl/8.5.0"))),
  ...seq(20, (i) => at(T0 + i * 1000, line("198.51.100.7", T0 + i * 1000, get(`/products/${i}`), 200))),
]);
// A probe every 1.5 s for two minutes: never 10 distinct paths in 10 s, but 80 in ten minutes.
write("security/tests/low-and-slow-scanner/access.log", seq(80, (i) => at(T0 + i * 1500, line("203.0.113.20", T0 + i * 1500, get(`/scan/${i}/index.php`), 404, "Mozilla/5.0"))));
write("security/tests/sensitive-files/access.log", [
  ...["/.env", "/.git/config", "/backup.sql", "/db.sql.gz", "/.env.local", "/.env.backup"].map((p, i) => at(T0 + i * 1000, line("203.0.113.30", T0 + i * 1000, get(p), 404, "python-requests/2.31"))),
  // A second client finds one that is served: a leak, so the incident escalates.
  ...["/.env", "/.git/config", "/backup.sql", "/db.sql.gz", "/.env.local"].map((p, i) => at(T0 + i * 1000, line("203.0.113.31", T0 + i * 1000, get(p), i === 0 ? 200 : 404, "python-requests/2.31"))),
]);
write("security/tests/admin-interface-probing/access.log", ["/phpmyadmin/", "/admin", "/manager/html"].map((p, i) => at(T0 + i * 2000, line("203.0.113.40", T0 + i * 2000, get(p), 404, "Mozilla/5.0"))));
write("security/tests/backdoor-attempts/access.log", ["/1337.php", "/wp-content/plugins/1.php"].map((p, i) => at(T0 + i * 2000, line("203.0.113.50", T0 + i * 2000, get(p), 404, "Mozilla/5.0"))));
write("security/tests/exploit-attempt/access.log", [
  at(T0, line("203.0.113.60", T0, get("/download?file=../../../../etc/passwd"), 404, "curl/8.5.0")),
  at(T0 + 1000, line("203.0.113.61", T0 + 1000, get("/item?id=1%20union%20select%20password%20from%20users"), 200, "curl/8.5.0")),
]);
write("security/tests/bad-user-agent/access.log", seq(3, (i) => at(T0 + i * 1000, line("203.0.113.70", T0 + i * 1000, get(`/?id=${i}`), 200, "sqlmap/1.7.2#stable (https://sqlmap.org)"))));
write("security/tests/technology-probing/access.log", ["/cfide/administrator/", "/crx/packmgr/index.jsp", "/libs/granite/core/content/login.html", "/system/sling/loginstatus.json", "/ampps/index.php"].map((p, i) => at(T0 + i * 1000, line("203.0.113.80", T0 + i * 1000, get(p), 404, "Mozilla/5.0"))));
write("security/tests/open-proxy-probing/access.log", [at(T0, line("203.0.113.90", T0, "GET http://example.org/ip.php HTTP/1.1", 400, "-"))]);
write("security/tests/malformed-requests/access.log", seq(6, (i) => at(T0 + i * 2000, line("203.0.113.100", T0 + i * 2000, ["\\x16\\x03\\x01\\x02\\x00\\x01", "", "HELP", "\\x03\\x00\\x00/*", "batman", "\\x16\\x03\\x01"][i], 400, "-"))));

// --- security: negatives ------------------------------------------------------------------------------
// A single-page-app user: 10 requests a second for two minutes, API calls and assets, all answered.
write("security/tests/heavy-legit-spa-user/access.log", [
  ...seq(1200, (i) => at(T0 + i * 100, line("198.51.100.20", T0 + i * 100, get(i % 3 ? `/api/v1/cart/items/${i % 40}` : `/static/js/chunk-${i % 25}.js`), i % 17 ? 200 : 304))),
  // The odd 404 (a missing favicon, a stale chunk) is not probing.
  ...seq(3, (i) => at(T0 + 500 + i * 30000, line("198.51.100.20", T0 + 500 + i * 30000, get(i ? `/static/js/chunk-old-${i}.js` : "/favicon.ico"), 404))),
]);
// A crawler fetching 600 distinct pages that exist, two a second, with a handful of dead links.
write("security/tests/heavy-legit-crawler/access.log", [
  ...seq(600, (i) => at(T0 + i * 500, line("66.249.66.1", T0 + i * 500, get(`/products/item-${i}`), 200, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"))),
  ...seq(6, (i) => at(T0 + 250 + i * 40000, line("66.249.66.1", T0 + 250 + i * 40000, get(`/products/discontinued-${i}`), 404, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"))),
]);
// An uptime monitor: one health check every 10 s for an hour, a few of them failing.
write("security/tests/heavy-legit-uptime-monitor/access.log", seq(360, (i) => at(T0 + i * 10000, line("100.64.200.1", T0 + i * 10000, get("/healthz"), i % 90 === 5 ? 503 : 200, "Uptime-Kuma/1.23.0"))));
// Below every threshold: 9 distinct 404s in a burst, 4 sensitive files, one admin path, one backdoor,
// one bad-UA request, 4 technology paths, 4 malformed lines.
write("security/tests/below-thresholds/access.log", [
  ...seq(9, (i) => at(T0 + i * 500, line("203.0.113.110", T0 + i * 500, get(`/missing-${i}.php`), 404, "curl/8.5.0"))),
  ...["/.env", "/.git/config", "/backup.sql", "/db.sql.gz"].map((p, i) => at(T0 + i * 1000, line("203.0.113.111", T0 + i * 1000, get(p), 404))),
  at(T0, line("203.0.113.112", T0, get("/phpmyadmin/"), 404)),
  at(T0, line("203.0.113.113", T0, get("/1337.php"), 404)),
  at(T0, line("203.0.113.114", T0, get("/"), 200, "Nikto/2.5.0")),
  ...["/cfide/administrator/", "/crx/packmgr/index.jsp", "/libs/granite/core/content/login.html", "/system/sling/loginstatus.json"].map((p, i) => at(T0 + i * 1000, line("203.0.113.115", T0 + i * 1000, get(p), 404))),
  ...seq(4, (i) => at(T0 + i * 2000, line("203.0.113.116", T0 + i * 2000, "HELP", 400, "-"))),
  // An admin path that exists and is answered is an administrator at work, not probing.
  ...seq(5, (i) => at(T0 + i * 2000, line("203.0.113.117", T0 + i * 2000, get("/admin"), 200))),
]);

// --- reliability ----------------------------------------------------------------------------------------
// 40% of an upstream's answers are 502 for two minutes.
write("reliability/tests/5xx-spike/access.log", seq(300, (i) => at(T0 + i * 400, ingress(`100.64.0.${i % 50}`, T0 + i * 400, `/api/orders/${i % 30}`, i % 5 < 2 ? 502 : 200))));
// 1% errors on a busy upstream, and a quiet host with 3 errors out of 10: neither pages anyone.
write("reliability/tests/background-errors/access.log", [
  ...seq(2000, (i) => at(T0 + i * 150, ingress(`100.64.1.${i % 80}`, T0 + i * 150, `/api/items/${i % 50}`, i % 100 === 7 ? 500 : 200))),
  ...seq(10, (i) => at(T0 + i * 20000, ingress("100.64.2.1", T0 + i * 20000, "/report", i < 3 ? 500 : 200, "reports-80", "10.0.3.5:8080"))),
]);
