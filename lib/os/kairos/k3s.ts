/**
 * k3s settings rendered into a Kairos config. Kairos's provider starts k3s itself from the
 * `k3s` (server) or `k3s-agent` block: it runs `k3s server|agent <args>` as the service command and
 * writes `env` to the service's environment file (kairos-io/provider-kairos
 * internal/provider/bootstrap.go oneTimeBootstrap; internal/role/p2p/k3s.go Args, Env). Arguments
 * show in `ps`, so nothing goes there: every flag, the token included, goes into k3s's own config
 * file, /etc/rancher/k3s/config.yaml (mode 0600), which k3s server and agent read at start
 * (docs.k3s.io/installation/configuration). A stage writes the file in `initramfs`, before any
 * service starts, on every boot (kairos-docs reference/configuration.md writes k3s's files there).
 */
import { MicroOsError } from "../../core/errors";
import { checkProps, instance, object, optional, str, type ShapeOf } from "../../core/props";
import { KairosConfig, KairosStage } from "../../kairos/config";
import { K3S_CONFIG_PATH, renderK3sConfigFile } from "../../k3s/config-file";
import { imdsGuardCommand } from "../../k3s/imds-guard";
import { type K3sNodeProps, K3sRole } from "../../k3s/node";
import { checkBundledK3sVersion } from "../../k3s/release";
import { checkK3sNode } from "../../k3s/validate";

/** Options for {@link applyK3sToKairos}. */
export interface K3sKairosOptions {
  /**
   * The k3s version the Kairos image bundles; a node asking for another is refused.
   * @default - not checked
   */
  readonly bundledK3sVersion?: string;
  /** Where errors point (a construct path). @default "k3s" */
  readonly at?: string;
}

/** Enables the node's k3s service and writes its config file. */
export function applyK3sToKairos(config: KairosConfig, node: K3sNodeProps, options: K3sKairosOptions = {}): KairosConfig {
  // A JavaScript caller's arguments, checked as the factories check props.
  checkProps("applyK3sToKairos", "options", options, object({ bundledK3sVersion: optional(str({ fix: "give the image's k3s release tag" })), at: optional(str({ fix: "give a construct path" })) } satisfies ShapeOf<K3sKairosOptions>));
  checkProps(options.at ?? "k3s", "config", config, instance(KairosConfig, "build it with new KairosConfig(...)"));
  const at = options.at ?? "k3s";
  checkK3sNode(node, at);
  checkBundledK3sVersion(at, node.version, options.bundledK3sVersion, "the Kairos image", `pick the Kairos k3sVersion that ships ${node.version}`);
  if (config.k3s !== undefined || config.k3sAgent !== undefined) {
    throw new MicroOsError(at, "k3s", "the config already has a k3s block", "let applyK3sToKairos set it, and pass further flags as extraArgs");
  }
  // One role per node: the server block on servers, the agent block on agents.
  if (node.role === K3sRole.AGENT) config.setK3sAgent({ enabled: true });
  else config.setK3s({ enabled: true });
  config.addFile({ path: K3S_CONFIG_PATH, content: renderK3sConfigFile(node, at), permissions: 0o600 }, KairosStage.INITRAMFS);
  // Kairos reads EC2 user data with IMDSv1 (see ./aws.ts), so pods must not reach the metadata
  // service: the k3s unit adds the rule before every start and does not start without it
  // (systemd.service ExecStartPre: a failing command without "-" fails the unit).
  const unit = node.role === K3sRole.AGENT ? "k3s-agent.service" : "k3s.service";
  config.addFile({ path: `/etc/systemd/system/${unit}.d/10-imds-guard.conf`, content: imdsGuardDropIn(), permissions: 0o644 }, KairosStage.INITRAMFS);
  // Files k3s reads at its first start (a server's custom CAs), in the same stage as its config.
  for (const f of node.files ?? []) config.addFile({ path: f.path, content: f.content, permissions: f.mode }, KairosStage.INITRAMFS);
  return config;
}

/** A k3s unit drop-in that keeps pods away from the instance metadata service (lib/k3s/imds-guard.ts). */
export function imdsGuardDropIn(): string {
  return `[Service]\nExecStartPre=/bin/sh -c '${imdsGuardCommand()}'\n`;
}
