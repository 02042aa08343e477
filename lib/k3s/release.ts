/**
 * A pinned k3s release as an OS install carries it: the release tag with the SHA-256 of its
 * artifacts per architecture and where they are served, the release binary's asset names, and the
 * systemd unit k3s's install script writes. Shared by the OS folders that put the k3s release
 * binary on a node (Flatcar's `K3sFlatcarInstall`, Fedora CoreOS's `K3sFedoraCoreOsInstall`); moved here
 * from lib/os/flatcar/k3s.ts. Plain data and text: no Ignition, no cdktf. Internal to the library.
 */
import { MicroOsError } from "../core/errors";
import { isK3sReleaseTag, K3S_RELEASE_TAG_EXAMPLE } from "../core/k3s";
import { Architecture } from "../core/node";
import { K3sRole } from "./node";

/** SHA-256 digests (64 hex digits) of the artifact for each architecture a node may have. */
export interface K3sArtifactHashes {
  /** @default - amd64 nodes are refused */
  readonly amd64?: string;
  /** @default - arm64 nodes are refused */
  readonly arm64?: string;
}

/** What every install names: the release, its artifacts' digests, and optionally a mirror. */
export interface K3sReleaseProps {
  readonly version: string;
  readonly sha256: K3sArtifactHashes;
  readonly baseUrl?: string;
}

/** A release checked at the user's call. */
export interface K3sRelease {
  readonly version: string;
  readonly sha256: K3sArtifactHashes;
  /** Without a trailing slash. */
  readonly baseUrl: string;
}

/** Where k3s releases are served (github.com/k3s-io/k3s/releases; install.sh `GITHUB_URL`). */
export const K3S_RELEASES_BASE_URL = "https://github.com/k3s-io/k3s/releases/download";

/**
 * The k3s release facts the library uses, in one place. Each entry names its source.
 *
 * - `stable`: the newest release of the k3s stable channel the library was checked against
 *   (update.k3s.io/v1-release/channels, channel `stable`; k3s-io/k3s channel.yaml names the channel
 *   server's config; the release tag on github.com/k3s-io/k3s/releases). v1.36.4+k3s1, 2026-08.
 * - `supportedMinors`: Kubernetes keeps release branches for the three most recent minor releases
 *   (kubernetes.io/releases, "Release History"; kubernetes/website data/releases/eol.yaml lists each
 *   minor's end of life, for example 1.31 on 2025-11-11), and k3s follows the upstream minors
 *   (docs.k3s.io/release-notes). Counted from `stable`, so the check needs no clock.
 * - `artifacts`: per architecture, the release binary's asset and the checksum file beside it
 *   (github.com/k3s-io/k3s/releases; install.sh `download_binary`, `download_hash`), and the
 *   architecture name flatcar/sysext-bakery uses in image names (bakery.sh `--arch`:
 *   `x86-64` or `arm64`; release.sh builds both).
 * - `sysext`: the bakery publishes the extension `k3s` (directory k3s.sysext/, built for the latest
 *   k3s of every supported Kubernetes minor: k3s.sysext/create.sh `list_latest_release`,
 *   release_build_versions.txt `k3s latest`) as releases `k3s-<version>` with images
 *   `k3s-<version>-<x86-64|arm64>.raw` and a `SHA256SUMS` file; the metadata release `k3s` lists
 *   every version (flatcar/sysext-bakery README "Releases structure in the bakery", docs/k3s.md).
 *
 * No source reachable here serves the digests themselves: they are in the release's checksum
 * files, which a user reads (see {@link k3sDigestSource}).
 */
export const K3S_RELEASE_FACTS = {
  stable: "v1.36.4+k3s1",
  supportedMinors: 3,
  artifacts: {
    [Architecture.AMD64]: { binary: "k3s", checksums: "sha256sum-amd64.txt", sysextArch: "x86-64" },
    [Architecture.ARM64]: { binary: "k3s-arm64", checksums: "sha256sum-arm64.txt", sysextArch: "arm64" },
  },
  sysext: {
    name: "k3s",
    releasesUrl: "https://github.com/flatcar/sysext-bakery/releases",
    checksums: "SHA256SUMS",
  },
} as const;

/** The file that lists the SHA-256 of a k3s artifact, as a URL a user can open. */
export function k3sDigestSource(kind: "binary" | "sysext", version: string, architecture: Architecture): string {
  if (kind === "binary") {
    return `${K3S_RELEASES_BASE_URL}/${version}/${K3S_RELEASE_FACTS.artifacts[architecture].checksums}`;
  }
  const sysext = K3S_RELEASE_FACTS.sysext;
  return `${sysext.releasesUrl}/download/${sysext.name}-${version}/${sysext.checksums}`;
}

/** The bakery image file of k3s `version` for `architecture` (`k3s-v1.36.4+k3s1-x86-64.raw`). */
export function k3sSysextImage(version: string, architecture: Architecture): string {
  return `${K3S_RELEASE_FACTS.sysext.name}-${version}-${K3S_RELEASE_FACTS.artifacts[architecture].sysextArch}.raw`;
}

/**
 * Why `version` is past upstream support, or undefined while it is supported (or unknown: a newer
 * minor than the table's stable one). For a synth warning, not an error: an old cluster must still
 * synthesize so that it can be upgraded.
 */
export function k3sEndOfLifeProblem(version: string): string | undefined {
  const minor = /^v1\.(\d+)\./.exec(version);
  const stable = /^v1\.(\d+)\./.exec(K3S_RELEASE_FACTS.stable);
  if (!minor || !stable) return undefined;
  const oldest = Number(stable[1]) - (K3S_RELEASE_FACTS.supportedMinors - 1);
  if (Number(minor[1]) >= oldest) return undefined;
  return (
    `k3s ${version} is past upstream end of life: Kubernetes supports its three newest minors (1.${oldest} to 1.${stable[1]}; kubernetes.io/releases). ` +
    `Upgrade one minor at a time to a supported release (the stable channel is at ${K3S_RELEASE_FACTS.stable}).`
  );
}

/**
 * Checks an install's release at the call that builds it (`at`, for example
 * `K3sFlatcarInstall.binary`), so a bad version or digest never waits for synth.
 */
export function checkK3sRelease(at: string, props: K3sReleaseProps, defaultBaseUrl: string): K3sRelease {
  if (typeof props !== "object" || props === null) {
    throw new MicroOsError(at, "props", "no props are given", `pass { version: "${K3S_RELEASE_TAG_EXAMPLE}", sha256: { amd64: "..." } }`);
  }
  if (!isK3sReleaseTag(props.version)) {
    throw new MicroOsError(at, "version", `"${String(props.version)}" is not a k3s release tag`, `give the release the digests belong to, a tag like "${K3S_RELEASE_TAG_EXAMPLE}" (github.com/k3s-io/k3s/releases)`);
  }
  const hashes = props.sha256 ?? {};
  const given = Object.values(Architecture).filter((a) => hashes[a] !== undefined);
  if (given.length === 0) {
    throw new MicroOsError(at, "sha256", `no SHA-256 is given for k3s ${props.version}`, "add the digest of each architecture your nodes use, from the release's checksum file");
  }
  for (const a of given) {
    const hex = hashes[a];
    if (typeof hex !== "string" || !/^[0-9a-f]{64}$/.test(hex)) {
      throw new MicroOsError(at, `sha256.${a}`, `"${String(hex)}" is not a SHA-256 digest`, "give 64 lower-case hex digits");
    }
  }
  const base = (props.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "");
  if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(base)) {
    throw new MicroOsError(at, "baseUrl", `"${base}" is not an https URL`, "give an https:// URL");
  }
  return { version: props.version, sha256: { ...hashes }, baseUrl: base };
}

/**
 * The digest of `artifact` for `architecture`; refused when the install has none, naming the
 * checksum file to read it from (`checksums`, a URL from {@link k3sDigestSource}).
 */
export function k3sArtifactHash(release: K3sRelease, architecture: Architecture, at: string, artifact: string, checksums?: string): string {
  const hex = release.sha256[architecture];
  if (hex === undefined) {
    const from = checksums === undefined ? "from the release's checksum file" : `from its line in ${checksums}`;
    throw new MicroOsError(at, `install.sha256.${architecture}`, `no SHA-256 is given for ${artifact}`, `add the ${architecture} digest of ${artifact} ${from}`);
  }
  return hex;
}

/**
 * Refuses a node that asks for another k3s release than the OS image bundles (`image` names it in
 * the message; `otherwise` is the second way out, after matching the bundled version).
 */
export function checkBundledK3sVersion(at: string, nodeVersion: string, bundled: string | undefined, image: string, otherwise: string): void {
  if (bundled === undefined || nodeVersion === bundled) return;
  throw new MicroOsError(at, "k3s.version", `${image} runs the k3s it bundles (${bundled}), not ${nodeVersion}`, `set the k3s version to ${bundled}, or ${otherwise}`);
}

/** Refuses a node that asks for another k3s release than the install carries the digests of. */
export function checkK3sInstallVersion(at: string, nodeVersion: string, installVersion: string): void {
  if (nodeVersion !== installVersion) {
    // The digests are the install's release's: another version would fetch an artifact they do not match.
    throw new MicroOsError(
      at,
      "k3s.version",
      `the node asks for k3s ${nodeVersion}, but the install carries the digests of ${installVersion}`,
      `give the node k3s ${installVersion}, or build the install for ${nodeVersion} with that release's digests`,
    );
  }
}

/**
 * The release asset of the k3s binary: `k3s` for amd64, `k3s-arm64` for arm64, beside
 * sha256sum-<arch>.txt (github.com/k3s-io/k3s/releases; install.sh `download_binary`).
 */
export function k3sBinaryAsset(architecture: Architecture): string {
  return K3S_RELEASE_FACTS.artifacts[architecture].binary;
}

/** The unit that runs k3s for this role: `k3s.service` for servers, `k3s-agent.service` for agents (the names k3s's install script and the sysext use). */
export function k3sUnitName(role: K3sRole): string {
  return role === K3sRole.AGENT ? "k3s-agent.service" : "k3s.service";
}

/** What an OS adds to the k3s unit. */
export interface K3sServiceUnitOptions {
  readonly role: K3sRole;
  /** Absolute path of the k3s binary. */
  readonly binary: string;
  /** Lines added to `[Unit]` after the network ordering. @default [] */
  readonly unitLines?: readonly string[];
  /** Lines added to `[Service]` after the module loads, before `ExecStart`. @default [] */
  readonly preStart?: readonly string[];
}

/**
 * The k3s service for a binary install. Settings follow the unit k3s's install script writes
 * (get.k3s.io `create_systemd_service_file`: Type=notify, Delegate=yes, KillMode=process,
 * unlimited tasks and files). Flags and the token come from /etc/rancher/k3s/config.yaml, so the
 * command line holds nothing secret.
 */
export function k3sServiceUnit(options: K3sServiceUnitOptions): string {
  const sub = options.role === K3sRole.AGENT ? "agent" : "server";
  return [
    "[Unit]",
    `Description=k3s ${sub}`,
    "Documentation=https://docs.k3s.io",
    "Wants=network-online.target",
    "After=network-online.target",
    ...(options.unitLines ?? []),
    "",
    "[Service]",
    "Type=notify",
    "ExecStartPre=-/usr/sbin/modprobe br_netfilter",
    "ExecStartPre=-/usr/sbin/modprobe overlay",
    ...(options.preStart ?? []),
    `ExecStart=${options.binary} ${sub}`,
    "KillMode=process",
    "Delegate=yes",
    "LimitNOFILE=1048576",
    "LimitNPROC=infinity",
    "LimitCORE=infinity",
    "TasksMax=infinity",
    "TimeoutStartSec=0",
    "Restart=always",
    "RestartSec=5s",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}
