import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ImportOptions, ImportPolicy } from "./import-pack.js";

/**
 * Where `npm run import:hub` reads the hub from and writes the default pack to, shared by the script and the
 * test that fails when rules/crowdsec/ is stale. The reference is crowdsecurity/hub at HUB_COMMIT
 * (../shared/reference/crowdsec-hub/README.md).
 */
export const HUB_COMMIT = "b03cb59";

export function hubImport(repo: string): { options: ImportOptions; out: string; hubTests: string } {
  const ref = join(repo, "../shared/reference");
  const out = join(repo, "rules/crowdsec");
  const policy = JSON.parse(readFileSync(join(out, "import-policy.json"), "utf8")) as ImportPolicy;
  return {
    options: {
      paths: [join(ref, "crowdsec-hub/scenarios"), join(ref, "crowdsec-hub/parsers")],
      dataDirs: [join(ref, "attacks/crowdsec-sec-lists")],
      name: "crowdsec-hub",
      version: HUB_COMMIT,
      policy,
    },
    out,
    hubTests: join(ref, "nginx/crowdsec-hub-tests"),
  };
}
