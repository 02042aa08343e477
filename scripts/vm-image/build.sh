#!/usr/bin/env bash
# Builds the VM test image that lib/testing/vm boots: a Debian bookworm root file system whose
# dracut initramfs runs Debian's Ignition (package `ignition`, 2.14), with the dracut modules that
# RAID (mdraid) and LUKS (crypt) need. Everything comes from Debian's packages, fetched from the
# mirror this machine's apt already uses (read from /etc/apt/sources.list(.d) at run time).
#
# Output, cached outside the clone and keyed by a hash of the files in this folder (the recipe):
#   ${MICROOS_VM_CACHE:-/var/cache/cdktf-microos/vm}/<recipe-hash>/{vmlinuz,initrd.img,base.raw,packages.txt}
# A second run with the same recipe does nothing; a changed recipe builds a new directory.
# Runs unattended as root (CI). Prints the image directory on its last line.
#
# usage: scripts/vm-image/build.sh [--print-dir] [--force]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MICROOS_VM_CACHE:-/var/cache/cdktf-microos/vm}
SUITE=bookworm

# The recipe hash: sha256 over "sha256  name" lines of every file in this folder, sorted by name.
# lib/testing/vm/image.ts computes the same value to find the image.
recipe_hash() {
  (cd "$HERE" && find . -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort | while read -r f; do
    printf '%s  %s\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "$f"
  done) | sha256sum | cut -c1-16
}
HASH=$(recipe_hash)
OUT=$CACHE/$HASH

if [ "${1:-}" = --print-dir ]; then echo "$OUT"; exit 0; fi
if [ "${1:-}" != --force ] && [ -f "$OUT/done" ]; then
  echo "vm-image: up to date (recipe $HASH)"; echo "$OUT"; exit 0
fi

[ "$(id -u)" = 0 ] || { echo "vm-image: must run as root (debootstrap, chroot)" >&2; exit 1; }
for tool in debootstrap sgdisk mkfs.ext4 qemu-img; do
  command -v "$tool" >/dev/null || {
    echo "vm-image: $tool is missing (apt-get install -y debootstrap gdisk e2fsprogs qemu-utils)" >&2; exit 1; }
done

# The Debian mirror this machine's apt uses: the first URIs: of a deb822 .sources file, else the
# first "deb URL" line of a one-line-style list. Never written into the project.
mirror() {
  local f url
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    url=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' "$f")
    [ -n "$url" ] && { echo "$url"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    url=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f")
    [ -n "$url" ] && { echo "$url"; return; }
  done
}
MIRROR=$(mirror)
[ -n "$MIRROR" ] || { echo "vm-image: no Debian mirror found in /etc/apt/sources.list(.d)" >&2; exit 1; }

WORK=$CACHE/.build-$HASH-$$
ROOT=$WORK/rootfs
mkdir -p "$WORK"
mounted=()
cleanup() {
  local m
  for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done
  [ -n "${keep:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
t0=$(date +%s)
step() { echo "vm-image: [$(( $(date +%s) - t0 ))s] $*"; }

step "debootstrap $SUITE (minbase) into $ROOT"
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,udev,dbus,openssh-server,iproute2,kmod,e2fsprogs,procps,sudo \
  "$SUITE" "$ROOT" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 || { tail -30 "$WORK/debootstrap.log" >&2; exit 1; }

for d in proc sys dev; do mount --bind "/$d" "$ROOT/$d"; mounted=("$ROOT/$d" "${mounted[@]}"); done
in_root() { chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }

# Before the kernel and dracut arrive (their hooks build an initramfs), set up what the initramfs
# must contain.
# Debian's Ignition 2.14 relabels for SELinux in the mount and files stages: it reads
# /sysroot/etc/selinux/config and runs setfiles, which the dracut module copies in when present.
# A disabled policy and a no-op setfiles make that a no-op (no SELinux on this image).
mkdir -p "$ROOT/etc/selinux/targeted/contexts/files"
printf 'SELINUX=disabled\nSELINUXTYPE=targeted\n' > "$ROOT/etc/selinux/config"
: > "$ROOT/etc/selinux/targeted/contexts/files/file_contexts"
printf '#!/bin/sh\n# no SELinux on this test image: Ignition relabel requests do nothing\ncat >/dev/null 2>&1\nexit 0\n' \
  > "$ROOT/usr/sbin/setfiles"
chmod 0755 "$ROOT/usr/sbin/setfiles"
mkdir -p "$ROOT/etc/dracut.conf.d" "$ROOT/etc/systemd/system.conf.d"
cp "$HERE/dracut.conf" "$ROOT/etc/dracut.conf.d/50-microos-vm.conf"
cp "$HERE/system.conf" "$ROOT/etc/systemd/system.conf.d/10-microos-vm.conf"

step "packages: kernel, dracut, ignition, mdadm, cryptsetup"
# The host's apt sources, for the install only; removed again below.
cp /etc/apt/sources.list.d/*.sources "$ROOT/etc/apt/sources.list.d/" 2>/dev/null || true
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$ROOT/etc/apt/sources.list"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
{
  in_root apt-get update -qq
  in_root apt-get install -y -qq --no-install-recommends $(grep -v '^#' "$HERE/packages.txt")
  in_root apt-get clean
} > "$WORK/packages.log" 2>&1 || { tail -40 "$WORK/packages.log" >&2; exit 1; }
in_root dpkg-query -W -f '${Package} ${Version}\n' > "$WORK/packages.txt"
rm -f "$ROOT"/etc/apt/sources.list.d/*.sources "$ROOT/etc/apt/sources.list" "$ROOT/etc/resolv.conf"
rm -rf "$ROOT"/var/lib/apt/lists/*

step "configure the root file system"
echo 'LABEL=ROOT / ext4 defaults 0 1' > "$ROOT/etc/fstab"
echo localhost > "$ROOT/etc/hostname"
# "uninitialized": systemd treats the boot as the first one and applies the presets Ignition
# writes for enabled units (systemd(1), machine-id(5)).
printf 'uninitialized\n' > "$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id"
mkdir -p "$ROOT/etc/systemd/network"
cp "$HERE/dhcp.network" "$ROOT/etc/systemd/network/90-dhcp.network"
in_root systemctl enable systemd-networkd.service ssh.service > /dev/null 2>&1
# This Ignition writes keys to ~/.ssh/authorized_keys.d/ignition (the Fedora CoreOS layout).
mkdir -p "$ROOT/etc/ssh/sshd_config.d"
cp "$HERE/sshd.conf" "$ROOT/etc/ssh/sshd_config.d/10-microos-vm.conf"
# Flatcar's image has user core (uid 500) and groups wheel, docker, sudo: configs name them.
in_root groupadd -f -r wheel; in_root groupadd -f -r docker
in_root useradd -m -u 500 -U -G sudo,wheel,docker -s /bin/bash core
# core may sudo without a password, as on Flatcar, whatever groups a config gives it.
echo 'core ALL=(ALL) NOPASSWD: ALL' > "$ROOT/etc/sudoers.d/90-microos-vm"
echo '%sudo ALL=(ALL) NOPASSWD: ALL' >> "$ROOT/etc/sudoers.d/90-microos-vm"
echo '%wheel ALL=(ALL) NOPASSWD: ALL' >> "$ROOT/etc/sudoers.d/90-microos-vm"
chmod 0440 "$ROOT/etc/sudoers.d/90-microos-vm"
# Host keys are made on the first boot (ssh-keygen -A), not baked into the shared image.
rm -f "$ROOT"/etc/ssh/ssh_host_*
cp "$HERE/ssh-hostkeys.service" "$ROOT/etc/systemd/system/ssh-hostkeys.service"
in_root systemctl enable ssh-hostkeys.service > /dev/null 2>&1
# Nothing in the VM may reach beyond QEMU's user network: apt's timers stay off.
in_root systemctl mask apt-daily.timer apt-daily-upgrade.timer > /dev/null 2>&1
# The kernel's ip= is for the initramfs's fetches; the real root's network is networkd's files
# (the config's, else 90-dhcp.network). The generator would turn ip= into units again (and fails).
in_root systemctl mask systemd-network-generator.service > /dev/null 2>&1
# A test VM boots once: the machine id systemd makes up at first boot need not be written back
# to /etc (systemd-machine-id-commit.service, which failed now and then on a loaded machine).
in_root systemctl mask systemd-machine-id-commit.service > /dev/null 2>&1

step "initramfs (dracut with ignition, mdraid, crypt)"
KVER=$(ls "$ROOT/lib/modules" | sort -V | tail -1)
in_root dracut --force --kver "$KVER" "/boot/initrd.img-$KVER" > "$WORK/dracut.log" 2>&1 || { tail -30 "$WORK/dracut.log" >&2; keep=1; exit 1; }
in_root lsinitrd "/boot/initrd.img-$KVER" > "$WORK/initrd-contents.txt" 2>/dev/null || true
# What the boots rely on: Ignition, the tools of its disks stage, mdadm for RAID, cryptsetup for LUKS.
for need in ignition sgdisk mkfs.ext4 mdadm cryptsetup systemd-cryptsetup; do
  grep -qE "/$need( -> .*)?\$" "$WORK/initrd-contents.txt" \
    || { echo "vm-image: the initramfs lacks $need (logs kept in $WORK)" >&2; keep=1; exit 1; }
done
cp "$ROOT/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
cp "$ROOT/boot/initrd.img-$KVER" "$WORK/initrd.img"

# The kernel and initramfs are given to qemu directly: /boot and docs need not be in the image.
rm -f "$ROOT"/boot/initrd.img* "$ROOT"/initrd.img*
rm -rf "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/var/cache/apt/*.bin
for m in "${mounted[@]}"; do umount -l "$m"; done
mounted=()

step "disk image: GPT, partition 1 ext4 labelled ROOT (as on Flatcar)"
SIZE_MB=3072
IMG=$WORK/base.raw
truncate -s ${SIZE_MB}M "$IMG"
# Fixed GUIDs and file system UUID/hash seed: the same recipe gives the same layout.
sgdisk -Z -U 5b1b4a43-8f0e-4b3c-9d53-6d6963726f73 -n 1:2048:0 -t 1:8300 -c 1:ROOT \
  -u 1:4f8c1e3a-2d6b-4e0f-8a41-726f6f746673 "$IMG" > /dev/null
END=$(sgdisk -i 1 "$IMG" | awk '/Last sector/{print $3}')
SECTORS=$((END - 2048 + 1))
truncate -s $((SECTORS * 512)) "$WORK/root.ext4"
E2FSPROGS_FAKE_TIME=${SOURCE_DATE_EPOCH:-1700000000} mkfs.ext4 -q -F -L ROOT \
  -U 1c0a7e55-5e1f-4c6b-9a3e-726f6f746673 -E hash_seed=0b7e2c4d-6a1f-4e3b-8d5c-726f6f746673 \
  -d "$ROOT" "$WORK/root.ext4"
dd if="$WORK/root.ext4" of="$IMG" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$WORK/root.ext4"

step "publish $OUT"
rm -rf "$OUT"; mkdir -p "$OUT"
mv "$WORK/vmlinuz" "$WORK/initrd.img" "$WORK/base.raw" "$WORK/packages.txt" "$WORK/initrd-contents.txt" "$OUT/"
echo "$HASH" > "$OUT/recipe"
date -u +%FT%TZ > "$OUT/done"
# Keep this image and the one built before it (another checkout may use an older recipe); older
# images of earlier recipes go.
for old in $(ls -1dt "$CACHE"/*/done | tail -n +3); do
  if [ "$(dirname "$old")" != "$OUT" ]; then rm -rf "$(dirname "$old")"; fi
done
step "done"
echo "$OUT"
