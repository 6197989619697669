/**
 * Second half of `npm run import:hub` (after `edgeproof import crowdsec` wrote rules/crowdsec/ and the
 * conformance report was refreshed): writes rules/crowdsec/COVERAGE.md.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importCrowdsec } from "../packages/cli/src/import/crowdsec/import-pack.js";
import { HUB_COMMIT, hubImport } from "../packages/cli/src/import/crowdsec/hub-reference.js";
import { KNOWN_DIFFERENCES, runHubTests } from "../packages/cli/src/import/crowdsec/hub-fidelity.js";
import { renderCoverage } from "../packages/cli/src/import/crowdsec/coverage.js";

const repo = join(import.meta.dirname, "..");
const { options, out, hubTests } = hubImport(repo);
const imported = importCrowdsec(options);
const text = renderCoverage({
  imported,
  hubCommit: HUB_COMMIT,
  fidelity: runHubTests(imported, hubTests),
  knownDifferences: KNOWN_DIFFERENCES,
  conformance: readFileSync(join(repo, "fixtures/conformance.md"), "utf8"),
});
writeFileSync(join(out, "COVERAGE.md"), text);
process.stderr.write(`wrote ${join(out, "COVERAGE.md")}\n`);
