#!/usr/bin/env bash
# Checks the production dependencies against the npm advisory database (`npm audit`) and writes
# a CycloneDX software bill of materials to dist/sbom.cdx.json.
#
# High or critical advisories fail (exit 1). Where the advisory endpoint cannot be reached (no
# network, or a registry mirror without the audit API, which answers 405), the audit cannot say
# anything: it prints so and exits 0, unless HARBOUR_REQUIRE_DEPENDENCY_AUDIT=1, when it fails.
# The SBOM is built from package-lock.json alone and needs no network.
set -uo pipefail
harbour_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$harbour_root"
. scripts/node-env.sh

mkdir -p dist
if npm sbom --sbom-format cyclonedx --omit dev >dist/sbom.cdx.json 2>/dev/null; then
  echo "dependency-audit: SBOM of $(node -p 'require("./dist/sbom.cdx.json").components.length') production packages in dist/sbom.cdx.json"
else
  echo "dependency-audit: could not write the SBOM (npm sbom needs npm 10 or later)" >&2
  exit 1
fi

report=$(npm audit --omit dev --audit-level high --json 2>&1)
status=$?
if printf '%s' "$report" | grep -Eq '"vulnerabilities"[[:space:]]*:'; then
  printf '%s' "$report" | node -e '
    const report = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const counts = report.metadata?.vulnerabilities ?? {};
    const line = ["critical", "high", "moderate", "low"].map((s) => `${counts[s] ?? 0} ${s}`).join(", ");
    console.log(`dependency-audit: npm audit of production dependencies: ${line}`);
    for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
      if (v.severity === "high" || v.severity === "critical") {
        console.log(`  ${v.severity}: ${name} ${v.range} (${[].concat(v.via).map((x) => x.url ?? x).join(", ")})`);
      }
    }'
  exit "$status"
fi
echo "dependency-audit: the npm advisory endpoint could not be reached, so nothing was checked:"
printf '%s\n' "$report" | grep -Eo '(405 Method Not Allowed|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN)[^"]*' | head -1 | sed 's/^/  /'
if [ "${HARBOUR_REQUIRE_DEPENDENCY_AUDIT:-0}" = 1 ]; then exit 1; fi
exit 0
