/**
 * A container run as a systemd service with `docker run`, the pattern Flatcar documents for
 * long-running containers (flatcar-website docs/latest/setup/systemd/getting-started.md, "Unit
 * file": After/Requires docker.service, `docker rm` before `docker run`, WantedBy multi-user.target).
 */
import type { IgnitionConfig } from "../../ignition/config";
import { fail, requireText } from "./internal";

/** When systemd restarts the container's service (`Restart=` in systemd.service(5)). */
export enum ContainerRestart {
  /** Restart whenever it stops. */
  ALWAYS = "always",
  /** Restart when it exits non-zero or is killed. */
  ON_FAILURE = "on-failure",
  /** Never restart. */
  NO = "no",
}

/** Transport of a published port. */
export enum PortProtocol {
  TCP = "tcp",
  UDP = "udp",
}

/** A port published from the host to the container (`docker run --publish`). */
export interface ContainerPort {
  /** Port on the host, 1..65535. */
  readonly hostPort: number;
  /** Port inside the container, 1..65535. */
  readonly containerPort: number;
  /** @default PortProtocol.TCP */
  readonly protocol?: PortProtocol;
  /** Host address to bind. @default - every address */
  readonly hostIp?: string;
}

/** A host path mounted into the container (`docker run --volume`). */
export interface ContainerVolume {
  /** Absolute path on the host. */
  readonly hostPath: string;
  /** Absolute path in the container. */
  readonly containerPath: string;
  /** Mount read-only. @default false */
  readonly readOnly?: boolean;
}

/** A container service. */
export interface ContainerServiceOptions {
  /** Container name; also the unit name `<name>.service`. Letters, digits, `_.-`. */
  readonly name: string;
  /** Image reference, for example `docker.io/library/nginx:1.27` or `ghcr.io/org/app@sha256:...`. */
  readonly image: string;
  /** Published ports. @default [] */
  readonly ports?: readonly ContainerPort[];
  /** Environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Host paths mounted in. @default [] */
  readonly volumes?: readonly ContainerVolume[];
  /** Arguments after the image (the container command). @default [] */
  readonly args?: readonly string[];
  /** @default ContainerRestart.ALWAYS */
  readonly restart?: ContainerRestart;
  /** Further `docker run` flags, each one argument, for example `--network=host`. @default [] */
  readonly dockerFlags?: readonly string[];
}

// Docker's container name rule (moby daemon/names: [a-zA-Z0-9][a-zA-Z0-9_.-]+); one character is fine too.
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
// A loose image reference: registry/path:tag or @digest, no whitespace or quoting.
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/;
// Units the node itself depends on: a container must not replace them.
const RESERVED_UNITS = new Set(["docker", "containerd", "k3s", "k3s-agent", "sshd", "locksmithd", "update-engine"]);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Characters systemd leaves alone in an unquoted command-line word.
const BARE_WORD = /^[A-Za-z0-9_@+=:,./-]+$/;

/**
 * Quotes one argument for a systemd `Exec*=` line (systemd.service(5), "Command lines"): words
 * split on whitespace, double quotes with C-style escapes, `%` starts a specifier (`%%` is a
 * literal `%`), `$` starts a variable (`$$` is a literal `$`).
 */
export function systemdQuote(arg: string): string {
  // systemd's C unescaping refuses \x00 (systemd.syntax(7)), so a NUL cannot be passed at all.
  if (arg.includes("\0")) fail("container.args", "an argument holds a NUL character", "remove the NUL; systemd cannot pass it to a program");
  const specials = arg.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  if (BARE_WORD.test(arg)) return specials;
  let out = "";
  for (const ch of specials) {
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `"${out}"`;
}

function checkPort(field: string, port: unknown): number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail(field, `\`${String(port)}\` is not a port number`, "give an integer from 1 to 65535");
  }
  return port;
}

/** Adds `<name>.service`, enabled, that runs the container with `docker run`; returns the unit name. */
export function addContainerService(config: IgnitionConfig, options: ContainerServiceOptions): string {
  const name = requireText("container.name", options.name, "name the container, for example `web`");
  if (!CONTAINER_NAME.test(name)) {
    fail("container.name", `\`${name}\` is not a usable container name`, "start with a letter or digit, then use letters, digits and `_.-`");
  }
  if (RESERVED_UNITS.has(name) || name.startsWith("systemd-")) {
    fail("container.name", `\`${name}.service\` would replace a unit the node runs on`, `pick another name, for example \`app-${name}\``);
  }
  const image = requireText("container.image", options.image, "give an image reference, for example `docker.io/library/nginx:1.27`");
  if (!IMAGE.test(image)) {
    fail("container.image", `\`${image}\` is not an image reference`, "give `registry/repository:tag` or `...@sha256:<digest>`, without spaces or quotes");
  }
  const restart = options.restart ?? ContainerRestart.ALWAYS;
  if (!Object.values(ContainerRestart).includes(restart)) {
    fail("container.restart", `\`${String(restart)}\` is not a restart policy`, "use ContainerRestart.ALWAYS, ON_FAILURE or NO");
  }

  const run: string[] = ["/usr/bin/docker", "run", "--rm", "--name", name];
  (options.ports ?? []).forEach((p, i) => {
    const host = checkPort(`container.ports[${i}].hostPort`, p.hostPort);
    const inner = checkPort(`container.ports[${i}].containerPort`, p.containerPort);
    const protocol = p.protocol ?? PortProtocol.TCP;
    if (!Object.values(PortProtocol).includes(protocol)) {
      fail(`container.ports[${i}].protocol`, `\`${String(protocol)}\` is not a protocol docker publishes`, "use PortProtocol.TCP or UDP");
    }
    let bind = "";
    if (p.hostIp !== undefined) {
      const ip = p.hostIp;
      if (/^\d+\.\d+\.\d+\.\d+$/.test(ip) && ip.split(".").every((o) => Number(o) <= 255)) bind = `${ip}:`;
      else if (/^[0-9a-fA-F:]+$/.test(ip) && ip.includes(":")) bind = `[${ip}]:`;
      else fail(`container.ports[${i}].hostIp`, `\`${ip}\` is not an IP address`, "give the host address to bind, for example `127.0.0.1`");
    }
    run.push("--publish", `${bind}${host}:${inner}/${protocol}`);
  });
  // Sorted so the unit's text does not depend on the order keys were written in.
  for (const key of Object.keys(options.env ?? {}).sort()) {
    if (!ENV_NAME.test(key)) {
      fail(`container.env[${key}]`, `\`${key}\` is not an environment variable name`, "use letters, digits and `_`, not starting with a digit");
    }
    run.push("--env", `${key}=${(options.env ?? {})[key]}`);
  }
  (options.volumes ?? []).forEach((v, i) => {
    for (const [field, path] of [["hostPath", v.hostPath], ["containerPath", v.containerPath]] as const) {
      if (typeof path !== "string" || !path.startsWith("/") || path.includes(":") || /[\s,]/.test(path)) {
        fail(`container.volumes[${i}].${field}`, `\`${String(path)}\` is not an absolute path docker can mount`, "give an absolute path without `:`, `,` or whitespace");
      }
    }
    run.push("--volume", `${v.hostPath}:${v.containerPath}${v.readOnly ? ":ro" : ""}`);
  });
  (options.dockerFlags ?? []).forEach((flag, i) => {
    if (typeof flag !== "string" || !flag.startsWith("-")) {
      fail(`container.dockerFlags[${i}]`, `\`${String(flag)}\` is not a flag`, "give each docker run flag as one argument starting with `-`, for example `--network=host`");
    }
    run.push(flag);
  });
  run.push(image, ...(options.args ?? []));

  const exec = (words: readonly string[]) => words.map(systemdQuote).join(" ");
  const unit = [
    "[Unit]",
    `Description=Container ${name} (${image})`.replace(/%/g, "%%"),
    "Wants=network-online.target",
    "After=network-online.target docker.service",
    "Requires=docker.service",
    "",
    "[Service]",
    // Pulling can take long; systemd's default start timeout would kill it.
    "TimeoutStartSec=0",
    // `-` prefix: a missing old container is not an error (getting-started.md).
    `ExecStartPre=-${exec(["/usr/bin/docker", "rm", "--force", name])}`,
    `ExecStart=${exec(run)}`,
    `ExecStop=${exec(["/usr/bin/docker", "stop", name])}`,
    `Restart=${restart}`,
    "RestartSec=5s",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
  const unitName = `${name}.service`;
  config.addUnit(unitName, { contents: unit, enabled: true });
  return unitName;
}
