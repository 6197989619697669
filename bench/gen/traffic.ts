import { cumulative, permute32, type Rng } from "./prng.js";

/** One access-log record; the formatter renders it as upstreaminfo or combined. */
export type LogRecord = {
  ts: number;
  ip: string;
  method: string;
  target: string;
  protocol: string;
  status: number;
  bytes: number;
  referer: string;
  ua: string;
  host: string;
  requestLength: number;
  requestTime: number;
  upstreamName: string;
  /** `$upstream_addr $upstream_response_length $upstream_response_time $upstream_status`, already joined. */
  upstreamFields: string;
  requestId: string;
};

export type Route = { upstream: string; port: number; page: (r: Rng) => string; method?: (r: Rng) => string; weight: number };
export type Host = { name: string; weight: number; routes: Route[]; routeCdf: number[]; pods: Map<string, string[]> };

const SLUGS = ["winter-sale", "how-we-scale", "release-2-4", "kubernetes-tips", "postmortem-nov", "team-update", "new-pricing", "faq"];
const CATEGORIES = ["shoes", "jackets", "bags", "watches", "kids", "outdoor", "sale"];
const WORDS = ["red", "boots", "gift", "wool", "leather", "summer", "black", "xl", "running", "vintage"];
const ASSETS = ["/static/js/main.4f9a1c.js", "/static/js/vendor.77be02.js", "/static/css/app.0c3d9e.css", "/favicon.ico", "/static/fonts/inter.woff2", "/img/logo.svg"];

const shop: Route[] = [
  { upstream: "shop-frontend-80", port: 80, weight: 30, page: (r) => r.pick(["/", `/products/${r.range(1000, 9999)}`, `/category/${r.pick(CATEGORIES)}?page=${r.range(1, 9)}`, `/search?q=${r.pick(WORDS)}+${r.pick(WORDS)}`]) },
  { upstream: "shop-frontend-80", port: 80, weight: 40, page: (r) => (r.chance(0.5) ? r.pick(ASSETS) : `/img/products/${r.range(1000, 9999)}-${r.range(1, 4)}.jpg`) },
  { upstream: "shop-cart-8080", port: 8080, weight: 12, page: (r) => r.pick(["/api/cart", "/api/cart/items", "/checkout", `/api/cart/items/${r.range(1, 99)}`]), method: (r) => (r.chance(0.3) ? "POST" : "GET") },
];
const api: Route[] = [
  { upstream: "api-gateway-http", port: 8000, weight: 40, page: (r) => r.pick([`/v1/orders/${r.range(100000, 999999)}`, `/v1/users/${r.range(1, 50000)}/profile`, "/v1/events", `/v1/products?limit=50&offset=${r.range(0, 20) * 50}`]), method: (r) => (r.chance(0.25) ? "POST" : "GET") },
  { upstream: "api-auth-9000", port: 9000, weight: 6, page: () => "/oauth/token", method: () => "POST" },
];
const blog: Route[] = [
  { upstream: "blog-wordpress-80", port: 80, weight: 14, page: (r) => r.pick([`/2026/11/${r.pick(SLUGS)}/`, "/feed/", `/wp-content/uploads/2026/11/${r.pick(SLUGS)}-${r.range(1, 6)}.jpg`, `/wp-json/wp/v2/posts?per_page=${r.range(5, 20)}`, "/"]) },
];
const media: Route[] = [
  { upstream: "media-minio-9000", port: 9000, weight: 10, page: (r) => `/videos/${r.range(1, 400)}/seg-${r.range(1, 300)}.ts` },
];

function host(name: string, weight: number, routes: Route[], salt: number): Host {
  const pods = new Map<string, string[]>();
  for (const [i, route] of routes.entries()) {
    if (pods.has(route.upstream)) continue;
    pods.set(route.upstream, [0, 1, 2].map((k) => `10.244.${(salt * 7 + i * 3 + k) % 250}.${(salt * 31 + i * 11 + k * 17) % 250 + 2}:${route.port}`));
  }
  return { name, weight, routes, routeCdf: cumulative(routes.map((x) => x.weight)), pods };
}

export const HOSTS: Host[] = [host("shop.example.com", 45, shop, 1), host("api.example.com", 30, api, 2), host("blog.example.com", 15, blog, 3), host("media.example.com", 10, media, 4)];
export const HOST_CDF = cumulative(HOSTS.map((h) => h.weight));

export const BROWSER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
];
export const OTHER_AGENTS = [
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
  "curl/8.5.0",
  "python-requests/2.32.3",
  "okhttp/4.12.0",
  "ShopApp/5.12.1 (iPhone; iOS 18.1; Scale/3.00)",
  "Prometheus/2.55.1",
  "-",
];
export const SEARCH_REFERERS = ["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/", "https://t.co/x1y2z3"];

const V4_FIRST_OCTETS = [23, 31, 37, 45, 51, 62, 66, 78, 81, 86, 91, 93, 104, 109, 141, 151, 176, 178, 185, 188, 193, 195, 203, 212, 217];
const V6_PREFIXES = ["2a01:cb00", "2a02:8108", "2600:1700", "2003:ea", "2001:4860", "2a00:23c7"];

/** A 24-bit bijection, so clients with distinct indexes (< 2^24) always get distinct addresses. */
function perm24(idx: number, salt: number): number {
  let x = (Math.imul(idx, 0x2c1b3d) + salt) & 0xffffff;
  x ^= x >>> 12;
  x = Math.imul(x, 0x9e3775) & 0xffffff;
  x ^= x >>> 11;
  return x;
}

export function clientAddress(idx: number, salt: number, v6: boolean): string {
  const low = perm24(idx, salt);
  if (v6) return `${V6_PREFIXES[low % V6_PREFIXES.length]}:${(low >>> 12).toString(16)}::${(low & 0xfff).toString(16)}`;
  const first = V4_FIRST_OCTETS[permute32(low, salt) % V4_FIRST_OCTETS.length];
  return `${first}.${low >>> 16}.${(low >>> 8) & 255}.${low & 255}`;
}
