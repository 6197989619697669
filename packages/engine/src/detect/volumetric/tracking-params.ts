/**
 * Tracking parameters a campaign link adds per click (Google, Meta, Microsoft, Mailchimp, HubSpot, Marketo...):
 * a flash crowd's landing page gets a distinct one per visitor, which is not cache-busting.
 */
const TRACKING_PARAM = /^(utm_[a-z_]+|gclid|gbraid|wbraid|dclid|fbclid|msclkid|yclid|igshid|twclid|ttclid|li_fat_id|mc_cid|mc_eid|_ga|_gl|_hs[a-z]+|mkt_tok|ref|source)$/i;

/** The query string without tracking parameters: what a cache would key on once they are ignored. */
export function queryWithoutTracking(q: string): string {
  if (q.indexOf("=") < 0) return q;
  let kept = "";
  for (const p of q.split("&")) {
    const eq = p.indexOf("=");
    if (TRACKING_PARAM.test(eq < 0 ? p : p.slice(0, eq))) continue;
    kept = kept ? `${kept}&${p}` : p;
  }
  return kept;
}
