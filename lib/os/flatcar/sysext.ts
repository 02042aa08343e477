/**
 * systemd-sysext images fetched at first boot. The image goes under `/opt/extensions/<name>/` and
 * a symlink `/etc/extensions/<name>.raw` activates it, so systemd-sysupdate can later swap the
 * link to a newer file (flatcar/sysext-bakery README, "Consuming the published images";
 * flatcar-website docs/latest/provisioning/sysext/_index.md: images named `NAME.raw` in
 * `/etc/extensions/` are merged by systemd-sysext.service).
 */
import type { ContentHash, IgnitionConfig } from "../../ignition/config";
import { fail, once, requireText } from "./internal";

/** Keep the image current with systemd-sysupdate (sysext-bakery README). */
export interface SysextUpdateOptions {
  /** URL of the sysupdate transfer config for this image (the bakery publishes `<name>.conf`). */
  readonly configUrl: string;
  /** Hash of that config file. */
  readonly configHash: ContentHash;
}

/** A sysext image. */
export interface SysextOptions {
  /** Extension name; the image is activated as `/etc/extensions/<name>.raw`. */
  readonly name: string;
  /** `https://` (or `http://`) URL of the `.raw` image. */
  readonly url: string;
  /** Hash of the image; Ignition refuses the download when it does not match. Required. */
  readonly hash: ContentHash;
  /**
   * File name under `/opt/extensions/<name>/`, ending `.raw`.
   * @default - the last path segment of `url`
   */
  readonly fileName?: string;
  /** Update the image with systemd-sysupdate. @default - no updates: the image stays as fetched */
  readonly sysupdate?: SysextUpdateOptions;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
const FILE = /^[A-Za-z0-9][A-Za-z0-9_.+-]*\.raw$/;
const HEX_LENGTH: Record<ContentHash["algorithm"], number> = { sha512: 128, sha256: 64 };

function checkUrl(field: string, url: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
    fail(field, `\`${String(url)}\` is not an http(s) URL`, "give the https:// address the node downloads from");
  }
  return url as string;
}

function checkHash(field: string, hash: ContentHash | undefined): ContentHash {
  if (!hash) {
    fail(field, "no hash is given, so Ignition would run whatever the URL serves", "give `{ algorithm: \"sha512\", hex: \"...\" }` (for example from `sha512sum image.raw`)");
  }
  const length = HEX_LENGTH[hash.algorithm];
  if (length === undefined) {
    fail(`${field}.algorithm`, `\`${String(hash.algorithm)}\` is not a hash Ignition verifies`, "use `sha512` or `sha256`");
  }
  if (typeof hash.hex !== "string" || !new RegExp(`^[0-9a-f]{${length}}$`).test(hash.hex)) {
    fail(`${field}.hex`, `the ${hash.algorithm} digest must be ${length} lower-case hex characters`, `paste the digest as \`${hash.algorithm}sum\` prints it`);
  }
  return hash;
}

/**
 * Fetches a sysext image at first boot and activates it; with `sysupdate`, also keeps it current.
 * Returns the image's path on the node.
 */
export function addSysext(config: IgnitionConfig, options: SysextOptions): string {
  const name = requireText("sysext.name", options.name, "name the extension, for example `kubernetes`");
  if (!NAME.test(name)) {
    fail("sysext.name", `\`${name}\` is not a usable extension name`, "use letters, digits and `_.+-`, without `/` or the `.raw` suffix");
  }
  const url = checkUrl("sysext.url", options.url);
  const hash = checkHash("sysext.hash", options.hash);
  const fileName = options.fileName ?? decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  if (!FILE.test(fileName)) {
    fail("sysext.fileName", `\`${fileName}\` is not a usable image file name`, "give a file name ending `.raw` (letters, digits, `_.+-`), or a URL whose last segment is one");
  }

  const imagePath = `/opt/extensions/${name}/${fileName}`;
  config.addRemoteFile(imagePath, { source: url, hash, mode: 0o644 });
  // sysext-bakery README: /etc/extensions/<name>.raw -> /opt/extensions/<name>/<file>.raw (a soft link).
  config.addLink(`/etc/extensions/${name}.raw`, imagePath, { hard: false });

  if (options.sysupdate) {
    const configUrl = checkUrl("sysext.sysupdate.configUrl", options.sysupdate.configUrl);
    const configHash = checkHash("sysext.sysupdate.configHash", options.sysupdate.configHash);
    // sysext-bakery README: one transfer config per extension in /etc/sysupdate.<name>.d/.
    config.addRemoteFile(`/etc/sysupdate.${name}.d/${name}.conf`, { source: configUrl, hash: configHash, mode: 0o644 });
    // sysext-bakery README: the timer runs systemd-sysupdate.service; each extension is updated by
    // an ExecStartPre with `-C <name>`, and systemd-sysext is restarted afterwards to merge new images.
    config.addDropin("systemd-sysupdate.service", `${name}.conf`, `[Service]\nExecStartPre=/usr/lib/systemd/systemd-sysupdate -C ${name} update\n`);
    once(config, "sysupdate-shared", (part) => {
      part.addUnit("systemd-sysupdate.timer", { enabled: true });
      part.addDropin("systemd-sysupdate.service", "sysext.conf", "[Service]\nExecStartPost=systemctl restart systemd-sysext\n");
    });
  }
  return imagePath;
}

/**
 * Turns off an extension the Flatcar image ships (for example `docker-flatcar` or
 * `containerd-flatcar`) by linking `/etc/extensions/<name>.raw` to `/dev/null`
 * (flatcar-website provisioning/sysext "Remove Docker and / or Containerd from Flatcar").
 */
export function disableBuiltinSysext(config: IgnitionConfig, name: string): void {
  requireText("sysext.builtin", name, "name the built-in extension, for example `docker-flatcar`");
  if (!NAME.test(name)) {
    fail("sysext.builtin", `\`${name}\` is not an extension name`, "give the name without `/` or `.raw`, for example `docker-flatcar`");
  }
  config.addLink(`/etc/extensions/${name}.raw`, "/dev/null", { overwrite: true });
}
