/**
 * k3s on Fedora CoreOS, the way k3s documents it for rpm-ostree systems: its SELinux policy
 * (`k3s-selinux`, from the k3s project's RPM repository) layered with rpm-ostree, and the pinned
 * k3s release binary in /usr/local/bin, verified by Ignition (k3s-io/k3s install.sh
 * `setup_selinux`, `install_selinux_rpm`, `download_and_verify`; docs.k3s.io advanced.md,
 * "SELinux Support"). The k3s node model (lib/k3s) owns the config file; this file owns how
 * Fedora CoreOS gets and starts k3s. Plain TypeScript: no cdktf.
 */
import { Architecture } from "../../core/node";
import { checkProps, instance, object, oneOf, optional, type Shape, type ShapeOf, str } from "../../core/props";
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
  type K3sRelease,
  K3S_RELEASES_BASE_URL,
  k3sServiceUnit,
  k3sUnitName,
} from "../../k3s/release";
import { checkK3sNode, parseFlag } from "../../k3s/validate";

/** Props for {@link K3sFedoraCoreOsInstall.binary}. */
export interface K3sFedoraCoreOsBinaryProps {
  /**
   * The k3s release, for example `v1.36.4+k3s1` (github.com/k3s-io/k3s/releases tag). Nodes run
   * this release, and `sha256` holds its digests.
   */
  readonly version: string;
  /**
   * SHA-256 of the release asset `k3s` (amd64) or `k3s-arm64`, from `sha256sum-amd64.txt` /
   * `sha256sum-arm64.txt` of the same k3s release (what install.sh checks the download against).
   */
  readonly sha256: K3sArtifactHashes;
  /**
   * Where releases are served; the binary is `<baseUrl>/<version>/<asset>`.
   * @default "https://github.com/k3s-io/k3s/releases/download"
   */
  readonly baseUrl?: string;
  /**
   * Layer k3s's SELinux policy and run k3s with `selinux: true`. Fedora CoreOS enforces SELinux;
   * docs.k3s.io asks for the k3s-selinux policy on such systems. The policy is active only once
   * the node has booted the deployment that holds it, so a node reboots once on first boot
   * before k3s starts.
   * @default true
   */
  readonly selinux?: boolean;
}

// K3sFedoraCoreOsBinaryProps at run time: props that are not an object and unknown options (`sha265`,
// `baseURL`, an `x86_64` digest) are refused; the release, digest and URL forms are checked by
// checkK3sRelease (lib/k3s/release.ts) and `selinux` below, with their own messages.
const checkedByRelease: Shape = () => undefined;
const BINARY_PROPS: Shape = object({
  version: checkedByRelease,
  sha256: (at, field, value) => (typeof value === "object" && value !== null ? object({ amd64: checkedByRelease, arm64: checkedByRelease })(at, field, value) : undefined),
  baseUrl: optional(str({ fix: "give an https:// URL" })),
  selinux: checkedByRelease,
} satisfies ShapeOf<K3sFedoraCoreOsBinaryProps>);

/** Where the binary goes: install.sh's default `BIN_DIR` (writable on Fedora CoreOS; fedora-coreos-docs managing-files.adoc writes there). */
export const FCOS_K3S_BINARY = "/usr/local/bin/k3s";
/** The k3s RPM repository file install.sh writes on rpm-ostree systems (`install_selinux_rpm`). */
export const K3S_RPM_REPO_PATH = "/etc/yum.repos.d/rancher-k3s-common.repo";
/** The oneshot that layers k3s-selinux. */
export const K3S_SELINUX_UNIT = "k3s-selinux.service";
/** The policy module k3s-selinux installs; install.sh tests for it (k3s-io/k3s-selinux policy/coreos/k3s-selinux.spec). */
export const K3S_SELINUX_MODULE = "/usr/share/selinux/packages/k3s.pp";

/**
 * How k3s gets onto a Fedora CoreOS node: one k3s release with the digests of its binaries, so a
 * version and its digests travel together.
 */
export class K3sFedoraCoreOsInstall {
  /** The k3s release binary, pinned and verified, with k3s's SELinux policy layered by rpm-ostree. */
  public static binary(props: K3sFedoraCoreOsBinaryProps): K3sFedoraCoreOsInstall {
    if (typeof props === "object" && props !== null) checkProps("K3sFedoraCoreOsInstall.binary", "", props, BINARY_PROPS);
    const release = checkK3sRelease("K3sFedoraCoreOsInstall.binary", props, K3S_RELEASES_BASE_URL);
    const selinux = props.selinux ?? true;
    if (typeof selinux !== "boolean") {
      throw new MicroOsError("K3sFedoraCoreOsInstall.binary", "selinux", `\`${String(selinux)}\` is not true or false`, "leave it unset (true) or pass false to run k3s without its SELinux policy");
    }
    return new K3sFedoraCoreOsInstall(release, selinux);
  }

  /** The k3s release this install puts on nodes, for example `v1.36.4+k3s1`. */
  public readonly version: string;

  private constructor(
    private readonly release: K3sRelease,
    /** Whether nodes layer k3s-selinux and run k3s with SELinux. */
    public readonly selinux: boolean,
  ) {
    this.version = release.version;
  }

  /** @internal adds the program, its config, its policy and its enabled service for `node` to `config`. */
  public _apply(config: IgnitionConfig, node: K3sNodeProps, architecture: Architecture, at: string): void {
    checkK3sNode(node, at);
    checkK3sInstallVersion(at, node.version, this.version);
    const asset = k3sBinaryAsset(architecture);
    const sha256 = k3sArtifactHash(this.release, architecture, at, `${asset} ${this.version}`, k3sDigestSource("binary", this.version, architecture));
    // install.sh `download_binary`: <GITHUB_URL>/download/<version>/k3s<suffix>; Ignition checks the digest.
    config.addRemoteFile(FCOS_K3S_BINARY, { source: `${this.release.baseUrl}/${this.version}/${asset}`, hash: { algorithm: "sha256", hex: sha256 }, mode: 0o755 });
    // install.sh `create_symlinks`: kubectl, crictl and ctr are relative links to the multi-call binary.
    for (const tool of ["kubectl", "crictl", "ctr"]) config.addLink(`/usr/local/bin/${tool}`, "k3s");
    // k3s reads this file as server or agent (docs.k3s.io/installation/configuration); it holds the token.
    config.addFile(K3S_CONFIG_PATH, renderK3sConfigFile(this.selinux ? withSelinux(node) : node, at), { mode: 0o600 });
    // Files k3s reads at its first start (a server's custom CAs): Ignition writes them before any unit runs.
    for (const f of node.files ?? []) config.addFile(f.path, f.content, { mode: f.mode });
    const unit = k3sUnitName(node.role);
    if (!this.selinux) {
      config.addUnit(unit, { enabled: true, contents: k3sServiceUnit({ role: node.role, binary: FCOS_K3S_BINARY }) });
      return;
    }
    config.addFile(K3S_RPM_REPO_PATH, RPM_REPO, { mode: 0o644 });
    config.addUnit(K3S_SELINUX_UNIT, { enabled: true, contents: SELINUX_UNIT });
    config.addUnit(unit, {
      enabled: true,
      contents: k3sServiceUnit({
        role: node.role,
        binary: FCOS_K3S_BINARY,
        // Start only in the deployment that holds the policy: before the reboot the module is
        // not in /usr yet (the layering applies to the next boot), so k3s never runs unconfined
        // and never creates its data directories with the wrong labels (k3s-io/k3s-selinux#36).
        unitLines: [`After=${K3S_SELINUX_UNIT}`, `ConditionPathExists=${K3S_SELINUX_MODULE}`],
        // install.sh `setup_selinux` labels the binary so k3s runs in container_runtime_t.
        // Ignition wrote the k3s config and CA files at first boot, labelled by the policy of that
        // boot, which lacks k3s-selinux's file contexts (`/var/lib/rancher/k3s(/.*)?` ->
        // container_var_lib_t, k3s-io/k3s-selinux policy tests); layering the module does not
        // touch /var (rpm-ostree leaves /var to the admin), so relabel those paths by the policy
        // now loaded before k3s reads them. `-i` skips paths a node does not have.
        preStart: [`ExecStartPre=/usr/bin/chcon -u system_u -r object_r -t container_runtime_exec_t ${FCOS_K3S_BINARY}`, ...K3S_RELABEL_COMMANDS.map((c) => `ExecStartPre=${c}`)],
      }),
    });
  }
}

/** Relabels what Ignition wrote for k3s by the loaded policy: the parents alone, the config and the server's files in full (systemd runs each line without a shell). */
export const K3S_RELABEL_COMMANDS: readonly string[] = [
  "/usr/sbin/restorecon -i /var/lib/rancher /var/lib/rancher/k3s /var/lib/rancher/k3s/server",
  "/usr/sbin/restorecon -i -R /etc/rancher/k3s /var/lib/rancher/k3s/server/tls /var/lib/rancher/k3s/server/manifests",
];

/** The node's flags with `--selinux` (docs.k3s.io advanced.md, "Enabling SELinux Enforcement"), unless it sets the flag itself. */
function withSelinux(node: K3sNodeProps): K3sNodeProps {
  const given = (node.extraArgs ?? []).some((arg) => parseFlag(arg)?.name === "selinux");
  return given ? node : { ...node, extraArgs: [...(node.extraArgs ?? []), "--selinux"] };
}

// install.sh `install_selinux_rpm` for rpm_target=coreos on the stable channel (rpm_site
// rpm.rancher.io, rpm_site_infix coreos).
const RPM_REPO = [
  "[rancher-k3s-common-stable]",
  "name=Rancher K3s Common (stable)",
  "baseurl=https://rpm.rancher.io/k3s/stable/common/coreos/noarch",
  "enabled=1",
  "gpgcheck=1",
  "repo_gpgcheck=0",
  "gpgkey=https://rpm.rancher.io/public.key",
  "",
].join("\n");

// A oneshot as fedora-coreos-docs os-extensions.adoc writes for a layered package: after the
// network, before zincati.service (no concurrent rpm-ostree transaction), `--allow-inactive` in
// case a later image ships the package, then a reboot. install.sh runs `rpm-ostree --idempotent
// install -y k3s-selinux` with `--apply-live` commented out and does not start k3s, since the
// policy takes effect only after a reboot (k3s-io/k3s-selinux#36). The condition makes the unit
// run until the node has booted a deployment with the policy, so no stamp file is needed.
const SELINUX_UNIT = [
  "[Unit]",
  "Description=Layer k3s-selinux (the k3s SELinux policy) with rpm-ostree",
  "Documentation=https://docs.k3s.io/advanced#selinux-support",
  "Wants=network-online.target",
  "After=network-online.target",
  "Before=zincati.service",
  `ConditionPathExists=!${K3S_SELINUX_MODULE}`,
  "",
  "[Service]",
  "Type=oneshot",
  "RemainAfterExit=yes",
  "ExecStart=/usr/bin/rpm-ostree install --idempotent --allow-inactive --assumeyes k3s-selinux",
  "ExecStart=/usr/bin/systemctl --no-block reboot",
  "",
  "[Install]",
  "WantedBy=multi-user.target",
  "",
].join("\n");

/** Adds k3s with the install the OS was given. Internal: the package exports the names above only. */
export function applyK3sToFcos(config: IgnitionConfig, k3s: K3sNodeProps, install: K3sFedoraCoreOsInstall | undefined, architecture: Architecture, at: string): void {
  if (!install) {
    throw new MicroOsError(at, "k3sInstall", "the node runs k3s but no k3s install is given", `pass \`k3sInstall: K3sFedoraCoreOsInstall.binary({ version: "${K3S_RELEASE_TAG_EXAMPLE}", sha256: { amd64: "..." } })\` to FedoraCoreOs.stream() / FedoraCoreOs.release()`);
  }
  // A JavaScript caller's positional arguments, checked as the factories check props.
  checkProps(at, "k3sInstall", install, instance(K3sFedoraCoreOsInstall, "build it with K3sFedoraCoreOsInstall.binary({ version, sha256 })"));
  checkProps(at, "architecture", architecture, oneOf(Architecture, "Architecture"));
  install._apply(config, k3s, architecture, at);
}
