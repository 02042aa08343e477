#!/usr/bin/env bash
# Packaging test: the package as a user installs it. Builds and packs cdktf-microos, installs the
# tarball into a fresh CommonJS project (as `cdktf init --template=typescript` makes) with only the
# dependencies the README documents (cdktf, constructs, @cdktf/provider-aws, vitest, and
# typescript to typecheck; not the optional @cdktf/provider-random), copies
# examples/testing/cluster.test.ts with its imports pointed at the package, adds a test of the
# missing optional peer, then for each TypeScript moduleResolution (node10, node16, nodenext,
# bundler) typechecks both files with tsc and runs them with vitest. One npm install serves all
# four. npm uses the machine's own configuration (registry, cache); nothing here names a registry.
# Usage: bash scripts/pack-test.sh   (CI: .ci/run). Exits non-zero on any failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/cdktf-microos-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { echo "pack-test: $*"; }
# shellcheck source=scripts/pack-lib.sh
source "$repo/scripts/pack-lib.sh" # shared with scripts/cdktn-test.sh

cd "$repo"
rm -rf dist # nothing stale from an earlier build reaches the tarball
npm run build --silent
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n1)"
say "packed $(basename "$tarball") ($(($(stat -c %s "$tarball") / 1024)) KiB)"

# The versions this repository's lockfile installed, so the fresh project matches what the tests
# here ran against (and the npm cache has them).
deps=()
for pkg in cdktf constructs @cdktf/provider-aws vitest typescript; do deps+=("$pkg@$(repo_version "$pkg")"); done
random_peer=$(node -p "require('$repo/package.json').peerDependencies['@cdktf/provider-random']")
tls_peer=$(node -p "require('$repo/package.json').peerDependencies['@cdktf/provider-tls']")

project="$work/project"
mkdir -p "$project"
cd "$project"
echo '{ "name": "pack-test-project", "version": "0.0.0", "private": true }' >package.json
fresh_install "$tarball" "${deps[@]}"
[ ! -e node_modules/@cdktf/provider-random ] || { say "@cdktf/provider-random got installed, but the project did not ask for it" >&2; exit 1; }
[ ! -e node_modules/@cdktf/provider-tls ] || { say "@cdktf/provider-tls got installed, but the project did not ask for it" >&2; exit 1; }
say "installed the tarball with ${deps[*]} in $((SECONDS - start))s"

# The example, as a user's copy reads: imports from the package, not the repository's sources.
user_copy_of_example_test cdktf-microos >cluster.test.ts
no_repo_imports cluster.test.ts

# The default token needs the optional peer, which this project lacks: the library still loads,
# and binding the token names what to install.
cat >packaging.test.ts <<EOF
import { TerraformStack, Testing } from "cdktf";
import { Cluster, ClusterCertificates, ClusterToken, K3sFlatcarInstall, Flatcar, FlatcarChannel, LibvirtPlatform, MicroOsError } from "cdktf-microos";
import { installMatchers, synthStack } from "cdktf-microos/testing";
import { describe, expect, it } from "vitest";

installMatchers(expect);

function cluster(token?: ClusterToken, certificates: ClusterCertificates = ClusterCertificates.k3sGenerated()): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "lab");
  new Cluster(stack, "lab", {
    os: Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.31.4+k3s1", sha256: { amd64: "ab".repeat(32) } }) }),
    platform: LibvirtPlatform.local({}),
    controllers: { count: 1, size: "2x2048" },
    kubernetes: { k3sVersion: "v1.31.4+k3s1", token, certificates },
  });
  return stack;
}

describe("the installed package without @cdktf/provider-random or @cdktf/provider-tls", () => {
  it("synthesizes a cluster whose token is a variable", () => {
    expect(synthStack(cluster(ClusterToken.fromVariable())).nodes()).toHaveUnit("k3s.service", { enabled: true });
  });

  it("names the package to install when the default random token needs it", () => {
    expect(() => cluster()).toThrow(MicroOsError);
    expect(() => cluster()).toThrow("Fix: npm install @cdktf/provider-random@$random_peer, or pass kubernetes.token: ClusterToken.fromVariable()");
  });

  it("names the package to install when the default Terraform-made CAs need it", () => {
    expect(() => cluster(ClusterToken.fromVariable(), ClusterCertificates.terraform())).toThrow("needs the optional peer dependency @cdktf/provider-tls ($tls_peer), which is not installed");
  });
});
EOF

echo 'export default { test: { testTimeout: 120_000 } };' >vitest.config.mjs
resolutions=(node10 node16 nodenext bundler)
declare -A module=([node10]=commonjs [node16]=node16 [nodenext]=nodenext [bundler]=esnext)
summary=()
tsconfig() { local r=$1; shift; tsconfig_for "$r" "${module[$r]}" "$@"; }
for r in "${resolutions[@]}"; do
  tsconfig "$r" cluster.test.ts packaging.test.ts >"tsconfig.$r.json"
  t=$SECONDS
  npx tsc -p "tsconfig.$r.json" || { say "$r: tsc failed" >&2; exit 1; }
  # vitest (vite) reads tsconfig.json: give it this resolution's.
  cp "tsconfig.$r.json" tsconfig.json
  npx vitest run --reporter=dot --reporter=json --outputFile.json="$work/vitest-$r.json" || { say "$r: vitest failed" >&2; exit 1; }
  counts=$(vitest_counts "$work/vitest-$r.json")
  [ "$counts" != FAILED ] || { say "$r: no test passed" >&2; exit 1; }
  summary+=("$r: tsc ok, vitest $counts passed ($((SECONDS - t))s)")
  say "${summary[-1]}"
done

# The same files in an ES module project ("type": "module"), typechecked under node16 and nodenext,
# where a test file is ESM. @cdktf/provider-aws has no "exports" map, so ESM resolution wants its
# deep imports spelled to the file (lib/<resource>/index.js); the kit's own imports stay as they are.
mkdir esm
echo '{ "type": "module" }' >esm/package.json
sed -E 's#(from "@cdktf/provider-aws/lib/[a-z0-9-]+)"#\1/index.js"#' cluster.test.ts >esm/cluster.test.ts
cp packaging.test.ts esm/
for r in node16 nodenext; do
  tsconfig "$r" esm/cluster.test.ts esm/packaging.test.ts >"tsconfig.esm-$r.json"
  npx tsc -p "tsconfig.esm-$r.json" || { say "$r (ES module project): tsc failed" >&2; exit 1; }
  summary+=("$r, ES module project: tsc ok")
  say "${summary[-1]}"
done
say "passed in $((SECONDS - start))s: $(IFS=';'; echo "${summary[*]}" | sed 's/;/; /g')"
