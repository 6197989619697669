import { gzipSync } from "node:zlib";
import { buildCorpus, type Corpus } from "./corpus.js";

const quote = (s: string) => JSON.stringify(s);

function expectedYaml(c: Corpus, attack: boolean): string {
  const out = [
    "description: " +
      quote(attack
      ? "Generated attack corpus (bench/gen/corpus.ts): the benign corpus's traffic with scanners fast and paced, sensitive-file and admin probers, attack-tool user agents and exploit senders mixed in. Every attacker must be found, and no benign actor flagged next to them."
      : "Generated benign corpus (bench/gen/corpus.ts): crawlers, uptime monitors and health checkers, SPA and mobile-API users with 404s, staff on an admin host with failed logins, NAT gateways, CDN edges and integrations, on four hosts for thirty minutes with an outage. No security incident may open."),
    "# Written by `npx tsx fixtures/make-corpora.ts`; do not edit by hand.",
  ];
  if (attack) out.push("exact: false");
  else out.push("incidents: []", "absent:", "  - kind: security");
  out.push("actors:");
  for (const a of c.actors) out.push(`  - { actor: ${quote(a.actor)}, role: ${a.role}, key: { clientIp: ${quote(a.clientIp)} } }`);
  return out.join("\n") + "\n";
}

/** Every committed file of the generated corpora, by path under fixtures/. */
export function corpusFiles(): Array<[string, string | Buffer]> {
  const benign = buildCorpus(false);
  const attack = buildCorpus(true);
  return [
    ["benign/generated/access.log.gz", gzipSync(benign.lines.join("\n") + "\n", { level: 9 })],
    ["benign/generated/expected.yaml", expectedYaml(benign, false)],
    ["attack/generated/access.log.gz", gzipSync(attack.lines.join("\n") + "\n", { level: 9 })],
    ["attack/generated/expected.yaml", expectedYaml(attack, true)],
  ];
}
