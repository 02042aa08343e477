#!/usr/bin/env bash
# cdktn packaging test: cdktn-microos (the CDK Terrain flavour, scripts/build-cdktn.ts) as a cdktn
# user installs it, in a fresh CommonJS project holding no cdktf at all. Compiles the library once
# (into a temp dir, not dist/, so it cannot race scripts/pack-test.sh), builds and packs
# cdktn-microos, installs the tarball with cdktn, constructs, @cdktn/provider-aws,
# @cdktn/provider-random, vitest, typescript and tsx (the versions scripts/cdktn-flavour.ts pins),
# and checks that `require.resolve("cdktf")` fails there. Then, in that project:
#   - synthesizes the default example and every example (examples/, imports pointed at cdktn, the
#     library path at the installed package), which also runs the config validators;
#   - typechecks (node16) and runs examples/testing/cluster.test.ts with the kit's matchers;
# and back in this repository compares every example's Terraform JSON with the cdktf synth and
# validates the cdktn stacks (test/cdktn-parity.test.ts, given CDKTN_SYNTH_DIR).
# Usage: bash scripts/cdktn-test.sh [--dist DIR]   (CI: .ci/run passes --dist dist, the compilation
# scripts/pack-test.sh just made, so CI compiles once). Exits non-zero on any failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/cdktn-microos-pack.XXXXXX")
# CDKTN_TEST_KEEP=1 keeps the project and the synth output for a look afterwards.
if [ -n "${CDKTN_TEST_KEEP:-}" ]; then echo "cdktn-test: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
say() { echo "cdktn-test: $*"; }
# shellcheck source=scripts/pack-lib.sh
source "$repo/scripts/pack-lib.sh"
flavour() { (cd "$repo" && node --import tsx scripts/cdktn-flavour.ts "$@"); }

cd "$repo"
if [ "${1:-}" = --dist ]; then
  [ -d "${2:-}/lib" ] && [ -d "$2/gen" ] || { say "--dist $2: no compiled lib/ and gen/ there (npm run build)" >&2; exit 1; }
  cp -r "$2" "$work/dist" # a snapshot: another build may replace dist/ meanwhile
  rm -rf "$work/dist/cdktn"
else
  npx tsc -p tsconfig.build.json --outDir "$work/dist"
fi
node --import tsx scripts/build-cdktn.ts "$work/dist" "$work/package"
tarball="$work/$(npm pack --silent --pack-destination "$work" "$work/package" | tail -n1)"
say "compiled, built and packed $(basename "$tarball") ($(($(stat -c %s "$tarball") / 1024)) KiB) in $((SECONDS - start))s"

deps=()
for pkg in cdktn @cdktn/provider-aws @cdktn/provider-random; do deps+=("$pkg@$(flavour version "$pkg")"); done
for pkg in constructs vitest typescript tsx; do deps+=("$pkg@$(repo_version "$pkg")"); done

project="$work/project"
mkdir -p "$project"
cd "$project"
echo '{ "name": "cdktn-test-project", "version": "0.0.0", "private": true }' >package.json
t=$SECONDS
fresh_install "$tarball" "${deps[@]}"
say "installed the tarball with ${deps[*]} in $((SECONDS - t))s"
# No cdktf anywhere in the project: neither resolvable nor in the tree.
if node -e 'require.resolve("cdktf")' 2>/dev/null; then say "require.resolve(\"cdktf\") succeeded in the cdktn project" >&2; exit 1; fi
if ls -d node_modules/cdktf node_modules/@cdktf 2>/dev/null; then say "the cdktn project holds cdktf packages" >&2; exit 1; fi
if npm ls --all --parseable 2>/dev/null | grep -E '/node_modules/(cdktf|@cdktf)(/|$)'; then say "a dependency pulled in cdktf" >&2; exit 1; fi
say "require.resolve(\"cdktf\") fails; no cdktf or @cdktf package in node_modules"
# Every AWS resource class the library and the examples import, at the same deep path in
# @cdktn/provider-aws (used by an example or not).
(cd "$repo" && node --import tsx scripts/cdktn-aws-imports.ts) >"$work/aws-imports.json"
node -e '
const wanted = require(process.argv[1]);
let n = 0;
for (const [mod, names] of Object.entries(wanted)) {
  const m = require(`@cdktn/provider-aws/${mod}`);
  for (const name of names) {
    if (typeof m[name] !== "function") throw new Error(`@cdktn/provider-aws/${mod} has no class ${name}`);
    n++;
  }
}
console.log(`cdktn-test: @cdktn/provider-aws has all ${n} classes at the ${Object.keys(wanted).length} deep paths the library and examples import`);
' "$work/aws-imports.json"

# The examples as a cdktn app: their sources through the same rewrite as the package (they import
# cdktf-microos by name, which becomes the installed cdktn-microos).
flavour rewrite "$repo/examples" "$project/src/examples"
t=$SECONDS
CDKTF_OUTDIR="$work/default.out" node --import tsx src/examples/main.ts >"$work/default.log" || { cat "$work/default.log"; say "the default example did not synthesize" >&2; exit 1; }
[ -f "$work/default.out/stacks/flatcar-aws/cdk.tf.json" ] || { say "the default example wrote no flatcar-aws stack" >&2; exit 1; }
say "synthesized the default example (flatcar-aws) with cdktn in $((SECONDS - t))s"
t=$SECONDS
# main.ts exits 1 when a validator refused a config, after writing every stack: report it at the
# end, and still compare the output below.
failed=()
if ! EXAMPLE=all CDKTF_OUTDIR="$work/cdktn.out" node --import tsx src/examples/main.ts >"$work/all.log"; then
  cat "$work/all.log"
  [ -d "$work/cdktn.out/stacks" ] || { say "the examples did not synthesize" >&2; exit 1; }
  failed+=("a validator refused a config of an example synthesized with cdktn (above)")
  say "synthesized $(ls "$work/cdktn.out/stacks" | wc -l) examples with cdktn, but a validator refused a config (above)" >&2
else
  say "synthesized $(ls "$work/cdktn.out/stacks" | wc -l) examples with cdktn, every config passing its validators, in $((SECONDS - t))s"
fi

# The example test file, as a cdktn user's copy: imports from cdktn-microos and cdktn.
user_copy_of_example_test cdktn-microos >"$work/cluster.cdktf.ts"
flavour rewrite "$work/cluster.cdktf.ts" "$project/cluster.test.ts"
no_repo_imports cluster.test.ts
grep -q 'from "cdktn"' cluster.test.ts || { say "cluster.test.ts does not import cdktn" >&2; exit 1; }
tsconfig_for node16 node16 cluster.test.ts >tsconfig.json
t=$SECONDS
npx tsc -p tsconfig.json || { say "tsc (node16) failed on cluster.test.ts" >&2; exit 1; }
echo 'export default { test: { testTimeout: 120_000, include: ["cluster.test.ts"] } };' >vitest.config.mjs
npx vitest run --reporter=dot --reporter=json --outputFile.json="$work/vitest.json" || { say "vitest failed" >&2; exit 1; }
counts=$(vitest_counts "$work/vitest.json")
[ "$counts" != FAILED ] || { say "no test passed" >&2; exit 1; }
say "cluster.test.ts: tsc (node16) ok, vitest $counts passed ($((SECONDS - t))s)"

# Same output, proven: in the repository (cdktf), every example against its cdktn synth.
cd "$repo"
t=$SECONDS
CDKTN_SYNTH_DIR="$work/cdktn.out" npx vitest run test/cdktn-parity.test.ts --reporter=default --reporter=json --outputFile.json="$work/parity.json" \
  || { say "test/cdktn-parity.test.ts failed" >&2; exit 1; }
counts=$(vitest_counts "$work/parity.json")
[ "$counts" != FAILED ] || { say "parity: no test passed" >&2; exit 1; }
say "parity with cdktf: $counts passed ($((SECONDS - t))s)"
if [ ${#failed[@]} -gt 0 ]; then say "FAILED after $((SECONDS - start))s: ${failed[*]}" >&2; exit 1; fi
say "passed in $((SECONDS - start))s"
