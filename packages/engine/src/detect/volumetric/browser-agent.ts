/** A browser's user agent: `Mozilla/5.0 (` with an engine token, and no crawler, headless or library word. */
const BROWSER = /^Mozilla\/5\.0 \([^)]*\).*(Chrome|Firefox|Safari|Edg|OPR)\/\d/;
const NOT_A_BROWSER = /bot|crawl|spider|slurp|headless|python|curl|wget|java|go-http|okhttp|libwww|scrapy|httpclient|phantom/i;

/** Whether a user agent is a browser's (computed once per distinct user agent a key sees). */
export function isBrowserAgent(ua: string): boolean {
  return BROWSER.test(ua) && !NOT_A_BROWSER.test(ua);
}
