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
const BROWSERS = [
  BROWSER,
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
];

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

// --- precision: benign actors that used to become incidents, and the attackers next to them ---------------
// Crawlers and monitors whose product tokens sit in bad-bot lists (and UptimeRobot, which `oBot` matched as a
// substring): robots.txt, pages, a few dead links; the monitor's checks get 504s during an outage.
const CRAWLERS = [
  ["198.51.100.101", "Mozilla/5.0 (compatible; MJ12bot/v1.4.5; http://www.majestic12.co.uk/bot.php?+)"],
  ["198.51.100.102", "Mozilla/5.0 (compatible; Exabot/3.0; +http://www.exabot.com/go/robot)"],
  ["198.51.100.103", "Mozilla/5.0 (compatible; Ezooms/1.0; help@moz.com)"],
  ["198.51.100.104", "MojeekBot/0.6 (archi; http://www.mojeek.com/bot.html)"],
  ["198.51.100.105", "psbot/0.1 (+http://www.picsearch.com/bot.html)"],
  ["198.51.100.106", "Apache-Nutch/1.9"],
  ["198.51.100.107", "Mozilla/5.0 (compatible; Linux x86_64; Mail.RU_Bot/2.0; +http://go.mail.ru/help/robots)"],
  ["198.51.100.108", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"],
];
write("security/tests/crawlers-and-monitors/access.log", [
  ...CRAWLERS.flatMap(([ip, ua], c) => [
    at(T0 + c * 7000, line(ip, T0 + c * 7000, get("/robots.txt"), 200, ua)),
    ...seq(60, (i) => at(T0 + c * 7000 + (i + 1) * 5000, line(ip, T0 + c * 7000 + (i + 1) * 5000, get(i % 20 === 7 ? `/blog/retired-post-${i}` : `/blog/post-${c}-${i}`), i % 20 === 7 ? 404 : 200, ua))),
  ]),
  // Every 30 s for an hour; minutes 20-23 fall in an outage (504).
  ...seq(120, (i) => at(T0 + i * 30000, line("198.51.100.110", T0 + i * 30000, (i % 2 ? "HEAD" : "GET") + " / HTTP/1.1", i >= 40 && i < 48 ? 504 : 200, "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"))),
  ...seq(60, (i) => at(T0 + 30000 + i * 60000, line("198.51.100.111", T0 + 30000 + i * 60000, get("/status"), i >= 20 && i < 24 ? 504 : 200, "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)"))),
]);

// An admin host: staff log in (one typo), browse the panel, a restricted account is refused four pages,
// stale bookmarks after a redesign 404, a DBA passes phpMyAdmin's basic-auth challenge. Meanwhile a scanner
// asks the same host for panels it does not have (and for one under the real /admin).
const ADMIN = "/admin";
write("security/tests/admin-host/access.log", [
  at(T0, line("198.51.100.40", T0, `POST ${ADMIN}/login HTTP/1.1`, 401)),
  at(T0 + 4000, line("198.51.100.40", T0 + 4000, `POST ${ADMIN}/login HTTP/1.1`, 302)),
  ...["/dashboard", "/users", "/orders?page=2", "/orders/1042", "/settings"].map((p, i) => at(T0 + 5000 + i * 3000, line("198.51.100.40", T0 + 5000 + i * 3000, get(ADMIN + p), 200))),
  at(T0 + 30000, line("198.51.100.41", T0 + 30000, get(`${ADMIN}/dashboard`), 200)),
  ...["/settings", "/users", "/billing", "/audit-log"].map((p, i) => at(T0 + 32000 + i * 2000, line("198.51.100.41", T0 + 32000 + i * 2000, get(ADMIN + p), 403))),
  ...["/reports/2019", "/stats", "/old-dashboard"].map((p, i) => at(T0 + 60000 + i * 1500, line("198.51.100.42", T0 + 60000 + i * 1500, get(ADMIN + p), 404))),
  at(T0 + 90000, line("198.51.100.43", T0 + 90000, get("/phpmyadmin/"), 401)),
  ...["/phpmyadmin/", "/phpmyadmin/index.php?route=/database/structure&db=shop", "/phpmyadmin/index.php?route=/sql"].map((p, i) => at(T0 + 95000 + i * 2000, line("198.51.100.43", T0 + 95000 + i * 2000, get(p), 200))),
  ...["/admin/config.php", "/wp-admin/", "/pma/", "/manager/html", "/administrator/index.php"].map((p, i) => at(T0 + 120000 + i * 1000, line("203.0.113.41", T0 + 120000 + i * 1000, get(p), 404))),
]);

// The API client: 10,000 answered requests in ten minutes, and 149 404s on products that were
// removed (149 distinct paths: 40 in ten minutes used to be "low and slow probing").
write("security/tests/heavy-api-client/access.log", [
  ...seq(10000, (i) => at(T0 + i * 60, line("198.51.100.50", T0 + i * 60, get(i % 4 ? `/api/v1/products/${1000 + (i % 700)}` : `/api/v1/cart?session=s${i % 9}`), 200, "okhttp/4.12.0"))),
  ...seq(149, (i) => at(T0 + 30 + i * 4000, line("198.51.100.50", T0 + 30 + i * 4000, get(`/api/v1/products/${90000 + i}`), 404, "okhttp/4.12.0"))),
]);

// A NAT gateway in front of an office: many people at once, 5 requests a second for ten minutes, 2% of their
// page views on dead links (60 distinct in ten minutes), a few failed and many successful logins.
write("security/tests/nat-gateway/access.log", [
  ...seq(3000, (i) => at(T0 + i * 200, line("198.51.100.60", T0 + i * 200, get(i % 50 === 13 ? `/docs/moved-${i}` : i % 3 ? `/docs/page-${i % 400}` : `/static/app-${i % 7}.js`), i % 50 === 13 ? 404 : 200, BROWSERS[i % BROWSERS.length]))),
  ...seq(40, (i) => at(T0 + 100 + i * 15000, line("198.51.100.60", T0 + 100 + i * 15000, "POST /wp-login.php HTTP/1.1", i % 8 === 3 ? 200 : 302, BROWSERS[i % BROWSERS.length]))),
]);

// A CDN edge fetching cache misses from the origin for everyone behind it: 10 a second, 3% missing.
write("security/tests/cdn-edge/access.log", seq(6000, (i) => at(T0 + i * 100, line("198.51.100.70", T0 + i * 100, get(i % 33 === 5 ? `/assets/img/gone-${i}.png` : i % 4 ? `/p/${i % 900}` : `/api/stock/${i % 120}`), i % 33 === 5 ? 404 : i % 97 === 1 ? 404 : 200, "Amazon CloudFront"))));

// A paced scanner: one request every 1 to 2 s for five minutes, a browser user agent, a fifth of its
// requests on pages that exist (the home page, the login form), the rest missing.
write("security/tests/paced-scanner/access.log", seq(200, (i) => {
  const t = T0 + i * 1500 + (i % 3) * 250;
  return at(t, line("203.0.113.21", t, get(i % 5 === 0 ? ["/", "/login", "/about"][i % 3] : `/${["backup", "old", "test", "dev", "tmp"][i % 5]}/${i}.php`), i % 5 === 0 ? 200 : 404));
}));

// --- reliability ----------------------------------------------------------------------------------------
// 40% of an upstream's answers are 502 for two minutes.
write("reliability/tests/5xx-spike/access.log", seq(300, (i) => at(T0 + i * 400, ingress(`100.64.0.${i % 50}`, T0 + i * 400, `/api/orders/${i % 30}`, i % 5 < 2 ? 502 : 200))));
// 1% errors on a busy upstream, and a quiet host with 3 errors out of 10: neither pages anyone.
write("reliability/tests/background-errors/access.log", [
  ...seq(2000, (i) => at(T0 + i * 150, ingress(`100.64.1.${i % 80}`, T0 + i * 150, `/api/items/${i % 50}`, i % 100 === 7 ? 500 : 200))),
  ...seq(10, (i) => at(T0 + i * 20000, ingress("100.64.2.1", T0 + i * 20000, "/report", i < 3 ? 500 : 200, "reports-80", "10.0.3.5:8080"))),
]);

// An upstream times out for 30 s: 26 of 39 users' requests get 504, while a scanner sends 10,000 probes to
// the same upstream in the same 5 minutes (0.26% 5xx over all traffic). Its traffic is counted apart once
// its security incident is open, so the outage is found.
write("reliability/tests/outage-behind-scanner/access.log", [
  ...seq(10_000, (i) => at(T0 + i * 30, ingress("198.51.100.9", T0 + i * 30, `/scan/${i}.php`, 404))),
  ...seq(39, (i) => at(T0 + 120_000 + i * 750, ingress(`100.64.1.${i}`, T0 + 120_000 + i * 750, `/api/cart/${i}`, i % 3 === 2 ? 200 : 504))),
]);

// A scanner whose SQL-injection probes the application answers 500, among users who all get 200: its own
// 5xx (counted apart while its exploit incident is open) are no outage.
write("reliability/tests/scanner-own-5xx/access.log", [
  ...seq(200, (i) => at(T0 + i * 500, ingress("198.51.100.10", T0 + i * 500, `/api/items?id=${i}%20union%20select%20password%20from%20users`, 500))),
  ...seq(40, (i) => at(T0 + i * 2500, ingress(`100.64.2.${i}`, T0 + i * 2500, `/api/items/${i}`, 200))),
]);
