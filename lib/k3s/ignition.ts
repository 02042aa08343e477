/**
 * k3s added to a Flatcar node through Ignition: the k3s program (a systemd-sysext image from
 * flatcar/sysext-bakery, or the pinned release binary in /opt/bin), its config file with the
 * token, and its service enabled. Plain TypeScript: no cdktf. An apply-time token stays intact
 * because the config file goes through the Encoder passed to IgnitionConfig.render().
 */
import { Architecture } from "../core/node";
import { MicroOsError } from "../core/errors";
import type { IgnitionConfig } from "../ignition/config";
import { K3S_CONFIG_PATH, renderK3sConfigFile } from "./config-file";
import { type K3sNodeProps, K3sRole } from "./node";
import { checkK3sNode } from "./validate";

/** SHA-256 digests (64 hex digits) of the artifact for each architecture a node may have. */
export interface K3sArtifactHashes {
  /** @default - amd64 nodes are refused */
  readonly amd64?: string;
  /** @default - arm64 nodes are refused */
  readonly arm64?: string;
}

/** Props for the sysext install. */
export interface K3sSysextProps {
  /**
   * SHA-256 of `k3s-<version>-<x86-64|arm64>.raw`, from the SHA256SUMS of the bakery release
   * `k3s-<version>` (github.com/flatcar/sysext-bakery/releases). Ignition refuses a download that
   * does not match.
   */
  readonly sha256: K3sArtifactHashes;
  /**
   * Where the images are served; the image is `<baseUrl>/k3s-<version>-<arch>.raw`.
   * @default "https://extensions.flatcar.org/extensions"
   */
  readonly baseUrl?: string;
}

/** Props for the binary install. */
export interface K3sBinaryProps {
  /**
   * SHA-256 of the release asset `k3s` (amd64) or `k3s-arm64`, from `sha256sum-amd64.txt` /
   * `sha256sum-arm64.txt` of the same k3s release (github.com/k3s-io/k3s/releases).
   */
  readonly sha256: K3sArtifactHashes;
  /**
   * Where releases are served; the binary is `<baseUrl>/<version>/<asset>`.
   * @default "https://github.com/k3s-io/k3s/releases/download"
   */
  readonly baseUrl?: string;
}

/** How k3s gets onto a Flatcar node. */
export abstract class K3sFlatcarInstall {
  /**
   * The k3s systemd-sysext image from flatcar/sysext-bakery, the way Flatcar documents Kubernetes
   * tools (sysext-bakery docs/k3s.md). The image brings its own k3s.service and k3s-agent.service.
   */
  public static sysext(props: K3sSysextProps): K3sFlatcarInstall {
    return new SysextInstall(props);
  }

  /** The k3s release binary, pinned and verified, in /opt/bin with a unit written here. */
  public static binary(props: K3sBinaryProps): K3sFlatcarInstall {
    return new BinaryInstall(props);
  }

  /** @internal adds the program and its enabled service for `node` to `config`. */
  public abstract _apply(config: IgnitionConfig, node: K3sNodeProps, architecture: Architecture, at: string): void;
}

/** Options for {@link applyK3sToIgnition}. */
export interface K3sIgnitionOptions {
  /** How k3s is installed; both ways need the artifact's SHA-256. */
  readonly install: K3sFlatcarInstall;
  /** The node's architecture, which picks the artifact. @default Architecture.AMD64 */
  readonly architecture?: Architecture;
  /** Where errors point (a construct path). @default "k3s" */
  readonly at?: string;
}

/** The unit that runs k3s for this role: `k3s.service` for servers, `k3s-agent.service` for agents (the names k3s's install script and the sysext use). */
export function k3sUnitName(role: K3sRole): string {
  return role === K3sRole.AGENT ? "k3s-agent.service" : "k3s.service";
}

/**
 * Adds k3s to a Flatcar Ignition config: the program, /etc/rancher/k3s/config.yaml (mode 0600,
 * the only place the token is written), and the service enabled at boot.
 */
export function applyK3sToIgnition(config: IgnitionConfig, node: K3sNodeProps, options: K3sIgnitionOptions): IgnitionConfig {
  const at = options.at ?? "k3s";
  checkK3sNode(node, at);
  if (!(options.install instanceof K3sFlatcarInstall)) {
    throw new MicroOsError(at, "install", "no k3s install method is given", "pass install: K3sFlatcarInstall.sysext({ sha256 }) or K3sFlatcarInstall.binary({ sha256 })");
  }
  const architecture = options.architecture ?? Architecture.AMD64;
  // k3s reads this file whether it runs as server or agent (docs.k3s.io/installation/configuration).
  config.addFile(K3S_CONFIG_PATH, renderK3sConfigFile(node, at), { mode: 0o600 });
  options.install._apply(config, node, architecture, at);
  return config;
}

function hashFor(hashes: K3sArtifactHashes, architecture: Architecture, at: string, artifact: string): string {
  const hex = hashes[architecture];
  if (hex === undefined) {
    throw new MicroOsError(at, `install.sha256.${architecture}`, `no SHA-256 is given for ${artifact}`, `add the ${architecture} digest of ${artifact} from the release's checksum file`);
  }
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new MicroOsError(at, `install.sha256.${architecture}`, `"${hex}" is not a SHA-256 digest`, "give 64 lower-case hex digits");
  }
  return hex;
}

function baseUrlOf(url: string | undefined, fallback: string, at: string): string {
  const base = (url ?? fallback).replace(/\/+$/, "");
  if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(base)) {
    throw new MicroOsError(at, "install.baseUrl", `"${base}" is not an https URL`, "give an https:// URL");
  }
  return base;
}

class SysextInstall extends K3sFlatcarInstall {
  constructor(private readonly props: K3sSysextProps) {
    super();
  }

  public _apply(config: IgnitionConfig, node: K3sNodeProps, architecture: Architecture, at: string): void {
    // Bakery image names use x86-64 / arm64 (sysext-bakery docs/k3s.md: k3s-v1.32.2+k3s1-x86-64.raw).
    const arch = architecture === Architecture.ARM64 ? "arm64" : "x86-64";
    const image = `k3s-${node.version}-${arch}.raw`;
    const sha256 = hashFor(this.props.sha256, architecture, at, image);
    // Flatcar's bakery host rewrites <base>/<ext>-<version>-<arch>.raw to the GitHub release asset
    // (sysext-bakery README, "Releases structure in the bakery").
    const base = baseUrlOf(this.props.baseUrl, "https://extensions.flatcar.org/extensions", at);
    // The image lives under /opt/extensions/k3s and /etc/extensions/k3s.raw links to it; systemd-sysext
    // merges it at boot (sysext-bakery docs/k3s.md).
    const stored = `/opt/extensions/k3s/${image}`;
    config.addRemoteFile(stored, { source: `${base}/${image}`, hash: { algorithm: "sha256", hex: sha256 }, mode: 0o644 });
    config.addLink("/etc/extensions/k3s.raw", stored);
    // The sysext ships both units without enabling either; a link in multi-user.target.wants picks
    // the role (sysext-bakery docs/k3s.md; unit files k3s.sysext/files/usr/local/lib/systemd/system/).
    const unit = k3sUnitName(node.role);
    config.addLink(`/etc/systemd/system/multi-user.target.wants/${unit}`, `/usr/local/lib/systemd/system/${unit}`, { overwrite: true });
  }
}

class BinaryInstall extends K3sFlatcarInstall {
  constructor(private readonly props: K3sBinaryProps) {
    super();
  }

  public _apply(config: IgnitionConfig, node: K3sNodeProps, architecture: Architecture, at: string): void {
    // Release assets: `k3s` for amd64, `k3s-arm64` for arm64, beside sha256sum-<arch>.txt
    // (github.com/k3s-io/k3s/releases; the sysext bakery's k3s.sysext/create.sh downloads the same).
    const asset = architecture === Architecture.ARM64 ? "k3s-arm64" : "k3s";
    const sha256 = hashFor(this.props.sha256, architecture, at, `${asset} ${node.version}`);
    const base = baseUrlOf(this.props.baseUrl, "https://github.com/k3s-io/k3s/releases/download", at);
    // /opt/bin is where Flatcar puts added programs (/usr is read-only).
    config.addRemoteFile("/opt/bin/k3s", { source: `${base}/${node.version}/${asset}`, hash: { algorithm: "sha256", hex: sha256 }, mode: 0o755 });
    // k3s is a multi-call binary: kubectl, crictl and ctr are names for it (as the sysext links them).
    for (const tool of ["kubectl", "crictl", "ctr"]) config.addLink(`/opt/bin/${tool}`, "/opt/bin/k3s");
    const unit = k3sUnitName(node.role);
    config.addUnit(unit, { enabled: true, contents: binaryUnit(node.role) });
  }
}

/**
 * The service for the binary install. Settings follow the unit k3s's install script writes
 * (get.k3s.io: Type=notify, Delegate=yes, KillMode=process, unlimited tasks and files). Flags and
 * the token come from /etc/rancher/k3s/config.yaml, so the command line holds nothing secret.
 */
function binaryUnit(role: K3sRole): string {
  const sub = role === K3sRole.AGENT ? "agent" : "server";
  return [
    "[Unit]",
    `Description=k3s ${sub}`,
    "Documentation=https://docs.k3s.io",
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=notify",
    "ExecStartPre=-/usr/sbin/modprobe br_netfilter",
    "ExecStartPre=-/usr/sbin/modprobe overlay",
    `ExecStart=/opt/bin/k3s ${sub}`,
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
