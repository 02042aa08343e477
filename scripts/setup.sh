#!/usr/bin/env bash
# One-step set-up for a fresh clone: the system validators the tests use (Debian's `ignition`
# package: ignition-validate and the Ignition program), the npm packages from package-lock.json,
# then a synth of the default example.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v ignition-validate >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian's ignition package (ignition-validate, the Ignition program)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ignition >/dev/null
  else
    echo "setup: ignition-validate is missing and apt-get as root is not available;"
    echo "       the tests that need it will report that they were skipped (install: apt-get install -y ignition)"
  fi
fi

# The k3OS and Kairos YAML readers (test/readers/goyaml, test/helpers/go-yaml.ts): Go and the Go
# YAML libraries those OSes read their configs with (ghodss/yaml over go-yaml v2, yaml.v3).
if ! command -v go >/dev/null 2>&1 || [ ! -d /usr/share/gocode/src/github.com/ghodss/yaml ] || [ ! -d /usr/share/gocode/src/gopkg.in/yaml.v3 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Go and the Go YAML libraries k3OS and yip read with"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends golang-go golang-gopkg-yaml.v2-dev golang-gopkg-yaml.v3-dev golang-github-ghodss-yaml-dev >/dev/null
  else
    echo "setup: Go or its YAML libraries are missing; the tests that read k3OS and Kairos configs as the OS does will report that they were skipped"
    echo "       (install: apt-get install golang-go golang-gopkg-yaml.v2-dev golang-gopkg-yaml.v3-dev golang-github-ghodss-yaml-dev)"
  fi
fi

# The VM boots (test/vm-boot.test.ts): QEMU, and the test image that scripts/vm-image/build.sh
# builds from Debian's packages (cached outside the clone by recipe hash: a no-op when current).
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  for tool in qemu-system-x86_64 qemu-img debootstrap sgdisk; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "setup: installing QEMU, debootstrap and gdisk for the VM boots"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 qemu-utils debootstrap gdisk >/dev/null
      break
    fi
  done
  bash scripts/vm-image/build.sh
else
  echo "setup: the VM boot tests need QEMU and an image built as root (scripts/vm-image/build.sh); they will report that they were skipped"
fi

npm ci --no-audit --no-fund
npm run synth
