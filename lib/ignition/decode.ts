/**
 * The testing kit's reading of an Ignition config (coreos/ignition docs/configuration-v3_4.md):
 * files with their data URLs decoded, systemd units, users, the k3s settings, the stub's target.
 */
import type { ConfigDecoder, DecodedConfig, DecodedFile, DecodedUnit, DecodedUser } from "../core/format-parts";
import { utf8Text } from "../core/utf8";
import { k3sRoleFromUnits, k3sSettingsFromFiles } from "../k3s/decode";
import { decodeDataUrl } from "./encode";

type Json = Record<string, unknown>;

// systemd units enabled by a link in a target's wants directory (systemd.unit(5), "[Install]").
const WANTS_LINK = /^\/etc\/systemd\/system\/[^/]+\.(wants|requires)\/([^/]+)$/;

/** The testing kit's decoder for Ignition configs. */
export const IGNITION_DECODER: ConfigDecoder = {
  decode(config: Json): DecodedConfig {
    const files = ignitionFiles(config);
    const units = ignitionUnits(config);
    return { files, units, users: ignitionUsers(config), k3s: k3sSettingsFromFiles(files, k3sRoleFromUnits(units)) };
  },
  // A stub names the full config in `ignition.config.replace.source` (configuration-v3_4.md).
  replacedBy(config: Json): string | undefined {
    const s = (config as { ignition?: { config?: { replace?: { source?: unknown } } } }).ignition?.config?.replace?.source;
    return typeof s === "string" ? s : undefined;
  },
  mapText: (config, map) => mapIgnitionText(config, map) as Json,
  show: (config) => JSON.stringify(config, null, 2),
};

/** Like a deep map over strings, and data URLs whose text changes are decoded, mapped and encoded again. */
function mapIgnitionText(x: unknown, map: (text: string) => string): unknown {
  if (typeof x === "string") return map(x);
  if (Array.isArray(x)) return x.map((v) => mapIgnitionText(v, map));
  if (!isObject(x)) return x;
  const out: Json = {};
  for (const [k, v] of Object.entries(x)) {
    if (k === "source" && typeof v === "string" && v.startsWith("data:")) {
      const bytes = decodeData(v, x.compression);
      const text = bytes && utf8Text(bytes);
      if (text !== undefined && map(text) !== text) {
        out[k] = `data:,${encodeURIComponent(map(text))}`;
        continue;
      }
    }
    out[k] = mapIgnitionText(v, map);
  }
  // A re-encoded source is plain text now.
  if (typeof out.source === "string" && out.source.startsWith("data:,") && typeof x.source === "string" && !x.source.startsWith("data:,")) delete out.compression;
  return out;
}

/** The bytes of a `data:` URL, or undefined for another URL or a payload that does not decode. */
function decodeData(source: string, compression: unknown): Buffer | undefined {
  try {
    return decodeDataUrl(source, compression === "gzip" ? "gzip" : undefined);
  } catch {
    return undefined;
  }
}

function contentsOf(res: unknown): { contents?: string; source?: string } {
  if (!isObject(res) || typeof res.source !== "string") return {};
  if (!res.source.startsWith("data:")) return { source: res.source };
  const bytes = decodeData(res.source, res.compression);
  return { contents: bytes ? utf8Text(bytes) : undefined };
}

function ownerName(o: unknown): string | undefined {
  if (!isObject(o)) return undefined;
  if (typeof o.name === "string") return o.name;
  if (typeof o.id === "number") return String(o.id);
  return undefined;
}

function ignitionFiles(config: Json): DecodedFile[] {
  const storage = isObject(config.storage) ? config.storage : {};
  const files = Array.isArray(storage.files) ? storage.files : [];
  return files.filter(isObject).map((f) => {
    const { contents, source } = contentsOf(f.contents);
    const appended = (Array.isArray(f.append) ? f.append : []).map((a) => contentsOf(a).contents ?? "");
    return {
      path: String(f.path),
      contents: f.contents === undefined ? (appended.length ? undefined : "") : contents,
      source,
      mode: typeof f.mode === "number" ? f.mode : undefined,
      overwrite: typeof f.overwrite === "boolean" ? f.overwrite : undefined,
      user: ownerName(f.user),
      group: ownerName(f.group),
      appended,
    };
  });
}

function ignitionUnits(config: Json): DecodedUnit[] {
  const systemd = isObject(config.systemd) ? config.systemd : {};
  const units = new Map<string, { enabled: boolean; mask: boolean; contents?: string; dropins: Record<string, string> }>();
  for (const u of (Array.isArray(systemd.units) ? systemd.units : []).filter(isObject)) {
    const dropins: Record<string, string> = {};
    for (const d of (Array.isArray(u.dropins) ? u.dropins : []).filter(isObject)) dropins[String(d.name)] = typeof d.contents === "string" ? d.contents : "";
    units.set(String(u.name), {
      enabled: u.enabled === true,
      mask: u.mask === true,
      contents: typeof u.contents === "string" ? u.contents : undefined,
      dropins,
    });
  }
  const storage = isObject(config.storage) ? config.storage : {};
  for (const l of (Array.isArray(storage.links) ? storage.links : []).filter(isObject)) {
    const m = WANTS_LINK.exec(String(l.path));
    if (!m) continue;
    const u = units.get(m[2]) ?? { enabled: false, mask: false, dropins: {} };
    units.set(m[2], { ...u, enabled: true });
  }
  return [...units.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, u]) => ({ name, ...u }));
}

function ignitionUsers(config: Json): DecodedUser[] {
  const passwd = isObject(config.passwd) ? config.passwd : {};
  return (Array.isArray(passwd.users) ? passwd.users : []).filter(isObject).map((u) => ({
    name: String(u.name),
    sshAuthorizedKeys: Array.isArray(u.sshAuthorizedKeys) ? u.sshAuthorizedKeys.map(String) : [],
    groups: Array.isArray(u.groups) ? u.groups.map(String) : [],
  }));
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
