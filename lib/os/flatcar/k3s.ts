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
import { K3S_RELEASE_TAG_EXAMPLE } from "../../core/k3s";
import type { IgnitionConfig } from "../../ignition/config";
import { K3S_CONFIG_PATH, renderK3sConfigFile } from "../../k3s/config-file";
import type { K3sNodeProps } from "../../k3s/node";
import {
  checkK3sInstallVersion,
  checkK3sRelease,
  k3sArtifactHash,
  type K3sArtifactHashes,
  k3sBinaryAsset,
  k3sDigestSource,
  K3S_RELEASES_BASE_URL,
  k3sServiceUnit,
  k3sSysextImage,
  k3sUnitName,
} from "../../k3s/release";
import { checkK3sNode } from "../../k3s/validate";
import { fail } from "./internal";
import { checkProps, object, optional, type Shape, type ShapeOf, str } from "../../core/props";

// K3sSysextProps / K3sBinaryProps at run time: known keys (a misspelt `sha256` or `baseUrl` would
// otherwise be ignored); the release, digests and URL forms are checked by checkK3sRelease (lib/k3s/release.ts).
const checkedByRelease = () => undefined;
const KNOWN_INSTALL_KEYS = object({ version: checkedByRelease, sha256: checkedByRelease, baseUrl: optional(str({ fix: "give an https:// URL" })) } satisfies ShapeOf<K3sSysextProps> & ShapeOf<K3sBinaryProps>);
const INSTALL_PROPS: Shape = (at, field, value) => (typeof value === "object" && value !== null ? KNOWN_INSTALL_KEYS(at, field, value) : undefined);

// The release checks, asset names and unit are not Flatcar's: they live in lib/k3s/release.ts,
// shared with Fedora CoreOS, and are exported here as before.
export { type K3sArtifactHashes, k3sUnitName };

/** Props for the sysext install. */
export interface K3sSysextProps {
  /**
   * The k3s release the image holds, for example `v1.36.4+k3s1` (a k3s release tag; the bakery
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
   * The k3s release, for example `v1.36.4+k3s1` (github.com/k3s-io/k3s/releases tag). Nodes run
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
const BINARY_BASE_URL = K3S_RELEASES_BASE_URL;

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
    checkProps("K3sFlatcarInstall.sysext", "", props, INSTALL_PROPS);
    return new SysextInstall(props);
  }

  /** The k3s release binary, pinned and verified, in /opt/bin with a unit written here. */
  public static binary(props: K3sBinaryProps): K3sFlatcarInstall {
    checkProps("K3sFlatcarInstall.binary", "", props, INSTALL_PROPS);
    return new BinaryInstall(props);
  }

  /** The k3s release this install puts on nodes, for example `v1.36.4+k3s1`. */
  public readonly version: string;
  /** @internal the artifacts' digests per architecture, checked at the call. */
  protected readonly sha256: K3sArtifactHashes;
  /** @internal where artifacts are served, without a trailing slash. */
  protected readonly baseUrl: string;

  protected constructor(method: string, props: K3sSysextProps | K3sBinaryProps, defaultBaseUrl: string) {
    // Checked here, at the user's call, so a bad version or digest never waits for synth.
    const release = checkK3sRelease(`K3sFlatcarInstall.${method}`, props, defaultBaseUrl);
    this.version = release.version;
    this.sha256 = release.sha256;
    this.baseUrl = release.baseUrl;
  }

  /** @internal the digest of `artifact` for `architecture`; refused when the install has none. */
  protected hashFor(architecture: Architecture, at: string, artifact: string, checksums: string): string {
    return k3sArtifactHash({ version: this.version, sha256: this.sha256, baseUrl: this.baseUrl }, architecture, at, artifact, checksums);
  }

  /** @internal adds the program and its enabled service for `node` to `config`. */
  public abstract _apply(config: IgnitionConfig, node: K3sNodeProps, architecture: Architecture, at: string): void;
}

/** Options for {@link applyK3sToFlatcar}. */
export interface K3sFlatcarOptions {
  /** How k3s is installed: the release and its artifacts' SHA-256, which must match the node's `version`. */
  readonly install: K3sFlatcarInstall;
  /** The node's architecture, which picks the artifact. @default Architecture.AMD64 */
  readonly architecture?: Architecture;
  /** Where errors point (a construct path). @default "k3s" */
  readonly at?: string;
}

/**
 * Adds k3s to a Flatcar Ignition config: the program, /etc/rancher/k3s/config.yaml (mode 0600,
 * the only place the token is written), and the service enabled at boot.
 */
export function applyK3sToFlatcar(config: IgnitionConfig, node: K3sNodeProps, options: K3sFlatcarOptions): IgnitionConfig {
  const at = options.at ?? "k3s";
  checkK3sNode(node, at);
  if (!(options.install instanceof K3sFlatcarInstall)) {
    throw new MicroOsError(at, "install", "no k3s install method is given", "pass install: K3sFlatcarInstall.sysext({ version, sha256 }) or K3sFlatcarInstall.binary({ version, sha256 })");
  }
  checkK3sInstallVersion(at, node.version, options.install.version);
  const architecture = options.architecture ?? Architecture.AMD64;
  // k3s reads this file whether it runs as server or agent (docs.k3s.io/installation/configuration).
  config.addFile(K3S_CONFIG_PATH, renderK3sConfigFile(node, at), { mode: 0o600 });
  // Files k3s reads at its first start (a server's custom CAs): Ignition writes them before any unit runs.
  for (const f of node.files ?? []) config.addFile(f.path, f.content, { mode: f.mode });
  options.install._apply(config, node, architecture, at);
  return config;
}

class SysextInstall extends K3sFlatcarInstall {
  constructor(props: K3sSysextProps) {
    super("sysext", props, SYSEXT_BASE_URL);
  }

  public _apply(config: IgnitionConfig, node: K3sNodeProps, architecture: Architecture, at: string): void {
    // Bakery image names use x86-64 / arm64 (the table in lib/k3s/release.ts, from sysext-bakery docs/k3s.md).
    const image = k3sSysextImage(this.version, architecture);
    const sha256 = this.hashFor(architecture, at, image, k3sDigestSource("sysext", this.version, architecture));
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
    const asset = k3sBinaryAsset(architecture);
    const sha256 = this.hashFor(architecture, at, `${asset} ${this.version}`, k3sDigestSource("binary", this.version, architecture));
    // /opt/bin is where Flatcar puts added programs (/usr is read-only).
    config.addRemoteFile("/opt/bin/k3s", { source: `${this.baseUrl}/${this.version}/${asset}`, hash: { algorithm: "sha256", hex: sha256 }, mode: 0o755 });
    // k3s is a multi-call binary: kubectl, crictl and ctr are names for it (as the sysext links them).
    for (const tool of ["kubectl", "crictl", "ctr"]) config.addLink(`/opt/bin/${tool}`, "/opt/bin/k3s");
    const unit = k3sUnitName(node.role);
    config.addUnit(unit, { enabled: true, contents: k3sServiceUnit({ role: node.role, binary: "/opt/bin/k3s" }) });
  }
}

/** Adds k3s to the node's config with the install method the Flatcar OS was given. Internal: the package exports the names above only. */
export function applyK3s(config: IgnitionConfig, k3s: K3sNodeProps, install: K3sFlatcarInstall | undefined, architecture: Architecture, at: string): void {
  if (!install) {
    fail("k3sInstall", "the node runs k3s but no k3s install method is given", `pass \`k3sInstall: K3sFlatcarInstall.sysext({ version: "${K3S_RELEASE_TAG_EXAMPLE}", sha256: { amd64: "..." } })\` (or \`.binary(...)\`) to Flatcar.channel() / Flatcar.release()`);
  }
  applyK3sToFlatcar(config, k3s, { install, architecture, at });
}
