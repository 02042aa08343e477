/**
 * Inputs the examples share. Replace them with your own before `cdktf deploy`.
 */

/** An OpenSSH public key whose private half was thrown away: put your own here (or set SSH_KEY). */
export const EXAMPLE_SSH_KEY =
  process.env.SSH_KEY ?? "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxxTXAsO5o3pBfyYS4NBMV3PninW6f7qwsyun4YP8GB admin@example";

/** The k3s release the Flatcar examples run (github.com/k3s-io/k3s/releases). */
export const EXAMPLE_K3S_VERSION = "v1.31.4+k3s1";

/**
 * SHA-256 of the k3s sysext image `k3s-v1.31.4+k3s1-x86-64.raw` (the SHA256SUMS asset of the
 * flatcar/sysext-bakery release of that name). This machine cannot reach the release server, so
 * the examples carry a stand-in: set K3S_SYSEXT_SHA256 to the published digest before deploying,
 * or Ignition will refuse the download at first boot (as it should).
 */
export const EXAMPLE_K3S_SYSEXT_SHA256 = process.env.K3S_SYSEXT_SHA256 ?? "0".repeat(64);
