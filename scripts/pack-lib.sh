# Shared by the packaging tests (scripts/pack-test.sh for cdktf-microos, scripts/cdktn-test.sh for
# cdktn-microos): source it after setting `repo` (the repository root) and `work` (a temp dir).
# npm uses the machine's own configuration (registry, cache); nothing here names a registry.

# The version of PKG this repository's lockfile installed (so a fresh project matches what the
# tests here ran against, and the npm cache has it).
repo_version() { node -p "require('$repo/node_modules/$1/package.json').version"; }

# Installs into the current directory (a fresh project) from the npm cache where it can.
fresh_install() { npm install --no-audit --no-fund --prefer-offline --loglevel=error "$@" >/dev/null; }

# A user's copy of examples/testing/cluster.test.ts: imports from package PKG (cdktf-microos or
# cdktn-microos), not the repository's sources. Usage: user_copy_of_example_test PKG >file
user_copy_of_example_test() {
  local pkg=$1
  sed -e "s#from \"cdktf-microos\(/testing\)\{0,1\}\"#from \"$pkg\1\"#" "$repo/examples/testing/cluster.test.ts"
}

# Fails when FILE still imports a repository path.
no_repo_imports() {
  if grep -n 'from "\.' "$1"; then echo "$1 imports a repository path the rewrite does not know" >&2; return 1; fi
}

# "passed/total" from vitest's JSON report, or FAILED when nothing passed or anything failed.
vitest_counts() {
  node -p "const r = require('$1'); r.numTotalTests > 0 && r.numFailedTests === 0 ? r.numPassedTests + '/' + r.numTotalTests : 'FAILED'"
}

# A user's tsconfig (tsc --init's strictness, and its skipLibCheck: vitest's own declarations do
# not check under node10) for one moduleResolution. Usage: tsconfig_for RESOLUTION MODULE FILE... >tsconfig.x.json
tsconfig_for() {
  local r=$1 m=$2 files
  shift 2
  files=$(printf '"%s", ' "$@")
  cat <<JSON
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "$m",
    "moduleResolution": "$r",
    "strict": true,
    "esModuleInterop": true,
    "skipLibCheck": true,
    "noEmit": true,
    "types": []
  },
  "files": [${files%, }]
}
JSON
}
