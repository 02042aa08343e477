/**
 * Inputs the examples share. Replace them with your own before `cdktf deploy`; until then each
 * example says so at synth (`warnAboutStandIns`).
 */
import { Annotations } from "cdktf";
import type { IConstruct } from "constructs";
import { Architecture, k3sDigestSource } from "cdktf-microos";

const SSH_KEY_STAND_IN = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxxTXAsO5o3pBfyYS4NBMV3PninW6f7qwsyun4YP8GB admin@example";
const K3S_SYSEXT_SHA256_STAND_IN = "0".repeat(64);
const K3S_BINARY_SHA256_STAND_IN = "0".repeat(64);
const FCOS_QEMU_IMAGE_STAND_IN = "/var/lib/libvirt/images/fedora-coreos-qemu.x86_64.qcow2";
/** A well-formed AMI id that names no image: k3OS publishes no AMIs (rancher/k3os README). */
export const K3OS_AMI_STAND_IN = "ami-0123456789abcdef0";

/** An OpenSSH public key whose private half was thrown away: put your own here (or set SSH_KEY). */
export const EXAMPLE_SSH_KEY = process.env.SSH_KEY ?? SSH_KEY_STAND_IN;

/** The k3s release the Flatcar and Fedora CoreOS examples run: k3s stable (lib/k3s/release.ts `K3S_RELEASE_FACTS`). */
export const EXAMPLE_K3S_VERSION = "v1.36.4+k3s1";

/**
 * SHA-256 of the k3s sysext image `k3s-v1.36.4+k3s1-x86-64.raw` (the SHA256SUMS asset of the
 * flatcar/sysext-bakery release of that name). This machine cannot reach the release server, so
 * the examples carry a stand-in: set K3S_SYSEXT_SHA256 to the published digest before deploying,
 * or Ignition will refuse the download at first boot (as it should).
 */
export const EXAMPLE_K3S_SYSEXT_SHA256 = process.env.K3S_SYSEXT_SHA256 ?? K3S_SYSEXT_SHA256_STAND_IN;

/**
 * SHA-256 of the k3s release binary `k3s` of v1.36.4+k3s1 (its `sha256sum-amd64.txt` asset on
 * github.com/k3s-io/k3s/releases), for the Fedora CoreOS examples. A stand-in like the sysext
 * digest: set K3S_BINARY_SHA256 to the published digest before deploying.
 */
export const EXAMPLE_K3S_BINARY_SHA256 = process.env.K3S_BINARY_SHA256 ?? K3S_BINARY_SHA256_STAND_IN;

/**
 * The decompressed Fedora CoreOS qemu image on the libvirt host (Fedora CoreOS publishes it only
 * as qcow2.xz, which the libvirt provider cannot read): set FCOS_QEMU_IMAGE to the file
 * `coreos-installer download -s stable -p qemu -f qcow2.xz --decompress` wrote.
 */
export const EXAMPLE_FCOS_QEMU_IMAGE = process.env.FCOS_QEMU_IMAGE ?? FCOS_QEMU_IMAGE_STAND_IN;

/** The inputs an example uses that may still be the stand-ins above. */
export interface ExampleInputs {
  /** The OpenSSH public key the nodes authorize. */
  readonly sshKey?: string;
  /** The k3s sysext digest the Flatcar nodes verify their download against. */
  readonly k3sSysextSha256?: string;
  /** The k3OS AMI id. */
  readonly k3osAmi?: string;
  /** The k3s binary digest the Fedora CoreOS nodes verify their download against. */
  readonly k3sBinarySha256?: string;
  /** The decompressed Fedora CoreOS qemu image. */
  readonly fcosQemuImage?: string;
}

/**
 * Adds a synth warning (a cdktf annotation: `cdktf synth` prints it, the stack's entry in
 * manifest.json keeps it) for each stand-in among `used`, naming what to replace and how.
 */
export function warnAboutStandIns(scope: IConstruct, used: ExampleInputs): void {
  const warn = (message: string) => Annotations.of(scope).addWarning(`stand-in: ${message}`);
  if (used.sshKey === SSH_KEY_STAND_IN) {
    warn("the nodes authorize the examples' ssh key, whose private half was thrown away; set SSH_KEY to your OpenSSH public key");
  }
  if (used.k3sSysextSha256 === K3S_SYSEXT_SHA256_STAND_IN) {
    warn(
      `the k3s sysext digest is all zeros, so Ignition will refuse the download and fail the first boot; set K3S_SYSEXT_SHA256 to the sha256 of k3s-${EXAMPLE_K3S_VERSION}-x86-64.raw (its line in ${k3sDigestSource("sysext", EXAMPLE_K3S_VERSION, Architecture.AMD64)})`,
    );
  }
  if (used.k3sBinarySha256 === K3S_BINARY_SHA256_STAND_IN) {
    warn(`the k3s binary digest is all zeros, so Ignition will refuse the download and fail the first boot; set K3S_BINARY_SHA256 to the sha256 of k3s ${EXAMPLE_K3S_VERSION} (the line for \`k3s\` in ${k3sDigestSource("binary", EXAMPLE_K3S_VERSION, Architecture.AMD64)})`);
  }
  if (used.fcosQemuImage === FCOS_QEMU_IMAGE_STAND_IN) {
    warn(`the Fedora CoreOS qemu image ${FCOS_QEMU_IMAGE_STAND_IN} is a stand-in path; run \`coreos-installer download -s stable -p qemu -f qcow2.xz --decompress\` on the libvirt host and set FCOS_QEMU_IMAGE to the file it wrote`);
  }
  if (used.k3osAmi === K3OS_AMI_STAND_IN) {
    warn(`the k3OS AMI id ${K3OS_AMI_STAND_IN} names no image; set K3OS_AMI (or the amiId prop) to an AMI built with k3OS's packer template`);
  }
}
