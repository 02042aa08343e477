/**
 * k3s on Flatcar: Flatcar's policy for putting k3s on a node through Ignition. The k3s program (a
 * systemd-sysext image from flatcar/sysext-bakery, or the pinned release binary in /opt/bin), its
 * config file with the token, and its service enabled. The k3s node model (lib/k3s) owns what
 * k3s is told (the config file); this file owns how Flatcar gets and starts it. Plain TypeScript:
 * no cdktf. An apply-time token stays intact because the config file goes through the Encoder
 * passed to IgnitionConfig.render().
 */
import { Architecture } from "../../core/node";
import { MicroOsError } from "../../core/errors";
import { isK3sReleaseTag, K3S_RELEASE_TAG_EXAMPLE } from "../../core/k3s";
import type { IgnitionConfig } from "../../ignition/config";
import { K3S_CONFIG_PATH, renderK3sConfigFile } from "../../k3s/config-file";
import { type K3sNodeProps, K3sRole } from "../../k3s/node";
import { checkK3sNode } from "../../k3s/validate";
import { fail } from "./internal";

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
   * The k3s release the image holds, for example `v1.31.4+k3s1` (a k3s release tag; the bakery
   * names its releases `k3s-<version>`). Nodes run this release, and `sha256` holds its digests.
   */
  readonly version: string;
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
   * The k3s release, for example `v1.31.4+k3s1` (github.com/k3s-io/k3s/releases tag). Nodes run
   * this release, and `sha256` holds its digests.
   */
  readonly version: string;
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

// Where the images and binaries are served unless a mirror is given.
// Bakery: the sysext-bakery README, "Releases structure in the bakery"; k3s: its GitHub releases.
const SYSEXT_BASE_URL = "https://extensions.flatcar.org/extensions";
const BINARY_BASE_URL = "https://github.com/k3s-io/k3s/releases/download";

/**
 * How k3s gets onto a Flatcar node: one k3s release with the digests of its artifacts, so a
 * version and its digests travel together and bumping one cannot leave the other stale.
 */
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

  /** The k3s release this install puts on nodes, for example `v1.31.4+k3s1`. */
  public readonly version: string;
  /** @internal the artifacts' digests per architecture, checked at the call. */
  protected readonly sha256: K3sArtifactHashes;
  /** @internal where artifacts are served, without a trailing slash. */
  protected readonly baseUrl: string;

  protected constructor(method: string, props: K3sSysextProps | K3sBinaryProps, defaultBaseUrl: string) {
    // Checked here, at the user's call, so a bad version or digest never waits for synth.
    const at = `K3sFlatcarInstall.${method}`;
    if (typeof props !== "object" || props === null) {
      throw new MicroOsError(at, "props", "no props are given", `pass { version: "${K3S_RELEASE_TAG_EXAMPLE}", sha256: { amd64: "..." } }`);
    }
    if (!isK3sReleaseTag(props.version)) {
      throw new MicroOsError(at, "version", `"${String(props.version)}" is not a k3s release tag`, `give the release the digests belong to, a tag like "${K3S_RELEASE_TAG_EXAMPLE}" (github.com/k3s-io/k3s/releases)`);
    }
    this.version = props.version;
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
    this.sha256 = { ...hashes };
    const base = (props.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "");
    if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(base)) {
      throw new MicroOsError(at, "baseUrl", `"${base}" is not an https URL`, "give an https:// URL");
    }
    this.baseUrl = base;
  }

  /** @internal the digest of `artifact` for `architecture`; refused when the install has none. */
  protected hashFor(architecture: Architecture, at: string, artifact: string): string {
    const hex = this.sha256[architecture];
    if (hex === undefined) {
      throw new MicroOsError(at, `install.sha256.${architecture}`, `no SHA-256 is given for ${artifact}`, `add the ${architecture} digest of ${artifact} from the release's checksum file`);
    }
    return hex;
  }

  /** @internal adds the program and its enabled service for `node` to `config`. */
  public abstract _apply(config: IgnitionConfig, node: K3sNodeProps, architecture: Architecture, at: string): void;
}

/** Options for {@link applyK3sToIgnition}. */
export interface K3sIgnitionOptions {
  /** How k3s is installed: the release and its artifacts' SHA-256, which must match the node's `version`. */
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
    throw new MicroOsError(at, "install", "no k3s install method is given", "pass install: K3sFlatcarInstall.sysext({ version, sha256 }) or K3sFlatcarInstall.binary({ version, sha256 })");
  }
  if (node.version !== options.install.version) {
    // The digests are the install's release's: another version would fetch an artifact they do not match.
    throw new MicroOsError(
      at,
      "k3s.version",
      `the node asks for k3s ${node.version}, but the install carries the digests of ${options.install.version}`,
      `give the node k3s ${options.install.version}, or build the install for ${node.version} with that release's digests`,
    );
  }
  const architecture = options.architecture ?? Architecture.AMD64;
  // k3s reads this file whether it runs as server or agent (docs.k3s.io/installation/configuration).
  config.addFile(K3S_CONFIG_PATH, renderK3sConfigFile(node, at), { mode: 0o600 });
  options.install._apply(config, node, architecture, at);
  return config;
}

class SysextInstall extends K3sFlatcarInstall {
  constructor(props: K3sSysextProps) {
    super("sysext", props, SYSEXT_BASE_URL);
  }

  public _apply(config: IgnitionConfig, node: K3sNodeProps, architecture: Architecture, at: string): void {
    // Bakery image names use x86-64 / arm64 (sysext-bakery docs/k3s.md: k3s-v1.32.2+k3s1-x86-64.raw).
    const arch = architecture === Architecture.ARM64 ? "arm64" : "x86-64";
    const image = `k3s-${this.version}-${arch}.raw`;
    const sha256 = this.hashFor(architecture, at, image);
    // Flatcar's bakery host rewrites <base>/<ext>-<version>-<arch>.raw to the GitHub release asset
    // (sysext-bakery README, "Releases structure in the bakery").
    const base = this.baseUrl;
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
  constructor(props: K3sBinaryProps) {
    super("binary", props, BINARY_BASE_URL);
  }

  public _apply(config: IgnitionConfig, node: K3sNodeProps, architecture: Architecture, at: string): void {
    // Release assets: `k3s` for amd64, `k3s-arm64` for arm64, beside sha256sum-<arch>.txt
    // (github.com/k3s-io/k3s/releases; the sysext bakery's k3s.sysext/create.sh downloads the same).
    const asset = architecture === Architecture.ARM64 ? "k3s-arm64" : "k3s";
    const sha256 = this.hashFor(architecture, at, `${asset} ${this.version}`);
    // /opt/bin is where Flatcar puts added programs (/usr is read-only).
    config.addRemoteFile("/opt/bin/k3s", { source: `${this.baseUrl}/${this.version}/${asset}`, hash: { algorithm: "sha256", hex: sha256 }, mode: 0o755 });
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

/** Adds k3s to the node's config with the install method the Flatcar OS was given. Internal: the package exports the names above only. */
export function applyK3s(config: IgnitionConfig, k3s: K3sNodeProps, install: K3sFlatcarInstall | undefined, architecture: Architecture, at: string): void {
  if (!install) {
    fail("k3sInstall", "the node runs k3s but no k3s install method is given", `pass \`k3sInstall: K3sFlatcarInstall.sysext({ version: "${K3S_RELEASE_TAG_EXAMPLE}", sha256: { amd64: "..." } })\` (or \`.binary(...)\`) to Flatcar.channel() / Flatcar.release()`);
  }
  applyK3sToIgnition(config, k3s, { install, architecture, at });
}
