/**
 * The testing kit's reading of a Kairos cloud-config: the files its stages write, its users, the
 * k3s service its provider starts, and that service's settings.
 */
import type { ConfigDecoder, DecodedConfig, DecodedFile, DecodedUnit, DecodedUser } from "../core/format-parts";
import { mapEncodedContents } from "../core/utf8";
import { k3sSettingsFromFiles } from "../k3s/decode";
import { decodedText } from "./validate";

type Json = Readonly<Record<string, unknown>>;

/** The testing kit's decoder for Kairos configs. */
export const KAIROS_DECODER: ConfigDecoder = {
  decode(config: Json): DecodedConfig {
    const files = kairosFiles(config);
    const units = kairosUnits(config);
    const agent = units.some((u) => u.name === "k3s-agent.service");
    const server = units.some((u) => u.name === "k3s.service");
    return { files, units, users: kairosUsers(config), k3s: agent || server ? k3sSettingsFromFiles(files, agent ? "agent" : "server") : undefined };
  },
  // Placeholders inside encoded file contents too (files holding apply-time values go as base64).
  mapText: (config, map) => mapEncodedContents(config, map, decodedText) as Record<string, unknown>,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every step of every stage, in the order the config lists them. */
function steps(config: Json): Record<string, unknown>[] {
  const stages = isObject(config.stages) ? config.stages : {};
  return Object.values(stages).flatMap((s) => (Array.isArray(s) ? s.filter(isObject) : []));
}

// yip's file step: path, permissions (a number), owner and group ids, content and its encoding
// (mudler/yip pkg/schema/schema.go File; pkg/plugins/files.go).
function kairosFiles(config: Json): DecodedFile[] {
  return steps(config).flatMap((step) =>
    (Array.isArray(step.files) ? step.files.filter(isObject) : []).map((f) => ({
      path: String(f.path),
      contents: decodedText(typeof f.content === "string" ? f.content : "", typeof f.encoding === "string" ? f.encoding : ""),
      mode: typeof f.permissions === "number" ? f.permissions : undefined,
      user: typeof f.owner === "number" ? String(f.owner) : undefined,
      group: typeof f.group === "number" ? String(f.group) : undefined,
      appended: [],
    })),
  );
}

// The k3s service provider-kairos starts for the `k3s` or `k3s-agent` block, `k3s` or
// `k3s-agent` (kairos-io/provider-kairos internal/provider/bootstrap.go), and the units a step
// enables with yip's `systemctl.enable` (mudler/yip pkg/schema/schema.go Systemctl).
function kairosUnits(config: Json): DecodedUnit[] {
  const enabled = new Set<string>();
  for (const [key, unit] of [["k3s", "k3s.service"], ["k3s-agent", "k3s-agent.service"]] as const) {
    const block = config[key];
    if (isObject(block) && block.enabled === true) enabled.add(unit);
  }
  for (const step of steps(config)) {
    const systemctl = isObject(step.systemctl) ? step.systemctl : {};
    for (const name of Array.isArray(systemctl.enable) ? systemctl.enable : []) enabled.add(/\.[a-z]+$/.test(String(name)) ? String(name) : `${String(name)}.service`);
  }
  return [...enabled].sort().map((name) => ({ name, enabled: true, mask: false, dropins: {} }));
}

function kairosUsers(config: Json): DecodedUser[] {
  return (Array.isArray(config.users) ? config.users.filter(isObject) : []).map((u) => ({
    name: String(u.name),
    sshAuthorizedKeys: Array.isArray(u.ssh_authorized_keys) ? u.ssh_authorized_keys.map(String) : [],
    groups: Array.isArray(u.groups) ? u.groups.map(String) : [],
  }));
}
