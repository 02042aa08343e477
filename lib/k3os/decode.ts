import { gunzipSync } from "node:zlib";
import type { ConfigDecoder, DecodedConfig, DecodedFile, DecodedK3s } from "../core/format-parts";
import { mapEncodedContents, utf8Text } from "../core/utf8";

/**
 * Decodes `write_files` content as k3OS does for its `encoding` (rancher/k3os pkg/util/decode.go
 * DecodeContent); throws with why it does not decode.
 * @internal
 */
export function decodeK3osContent(content: string, encoding: string): Buffer {
  const b64 = (text: string): Buffer => {
    const compact = text.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new Error("the content is not base64");
    return Buffer.from(compact, "base64");
  };
  const gunzip = (bytes: Buffer, what: string): Buffer => {
    try {
      return gunzipSync(bytes);
    } catch {
      throw new Error(`${what} is not gzip data`);
    }
  };
  switch (encoding) {
    case "":
      return Buffer.from(content, "utf8");
    case "b64":
    case "base64":
      return b64(content);
    case "gz":
    case "gzip":
      return gunzip(Buffer.from(content, "latin1"), "the content");
    case "gz+base64":
    case "gzip+base64":
    case "gz+b64":
    case "gzip+b64":
      return gunzip(b64(content), "the base64 content");
    default:
      throw new Error(`k3OS does not decode the encoding "${encoding}"`);
  }
}

/** Why `content` does not decode as `encoding` the way k3OS decodes it, or undefined. */
export function decodeProblem(content: string, encoding: string): string | undefined {
  try {
    decodeK3osContent(content, encoding);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

// ---------------------------------------------------------------------------------------------
// The testing kit's reading of a k3OS config

type Json = Readonly<Record<string, unknown>>;

// k3OS puts `ssh_authorized_keys` on the `rancher` user (rancher/k3os README, "Configuration Reference").
const K3OS_USER = "rancher";

/** The testing kit's decoder for k3OS configs. */
export const K3OS_DECODER: ConfigDecoder = {
  decode(config: Json): DecodedConfig {
    const keys = Array.isArray(config.ssh_authorized_keys) ? config.ssh_authorized_keys.map(String) : [];
    return {
      files: k3osFiles(config),
      units: "is a k3OS node: k3OS runs OpenRC, there are no systemd units",
      users: [{ name: K3OS_USER, sshAuthorizedKeys: keys, groups: [] }],
      k3s: k3osK3s(config),
    };
  },
  // Placeholders inside encoded write_files contents too (files holding apply-time values go as base64).
  mapText: (config, map) => mapEncodedContents(config, map, k3osContent) as Record<string, unknown>,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function k3osFiles(config: Json): DecodedFile[] {
  const files = Array.isArray(config.write_files) ? config.write_files : [];
  return files.filter(isObject).map((f) => {
    const owner = typeof f.owner === "string" ? f.owner.split(":") : [];
    return {
      path: String(f.path),
      contents: k3osContent(typeof f.content === "string" ? f.content : "", typeof f.encoding === "string" ? f.encoding : ""),
      // `permissions` is an octal string (schemas/k3os-config.schema.json).
      mode: typeof f.permissions === "string" && /^[0-7]+$/.test(f.permissions) ? parseInt(f.permissions, 8) : undefined,
      user: owner[0] || undefined,
      group: owner[1] || undefined,
      appended: [],
    };
  });
}

/** Decodes write_files content the way k3OS does; undefined when it does not decode to text. */
function k3osContent(content: string, encoding: string): string | undefined {
  try {
    return utf8Text(decodeK3osContent(content, encoding));
  } catch {
    return undefined;
  }
}

/**
 * k3s as k3OS starts it: `k3os.k3s_args` is the command line (sub-command first), `k3os.server_url`
 * reaches k3s as K3S_URL, `k3os.token` as its token, each of `k3os.labels` as `--node-label`
 * (rancher/k3os README, "k3os.k3s_args", "k3os.server_url", "k3os.token", "k3os.labels").
 */
function k3osK3s(config: Json): DecodedK3s | undefined {
  const k3os = isObject(config.k3os) ? config.k3os : {};
  const args = Array.isArray(k3os.k3s_args) ? k3os.k3s_args.map(String) : [];
  if (!args.length && k3os.token === undefined) return undefined;
  const out: Record<string, unknown> = {};
  const add = (name: string, value: unknown) => {
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  };
  if (typeof k3os.server_url === "string") add("server", k3os.server_url);
  if (k3os.token !== undefined) add("token", k3os.token);
  for (const arg of args.slice(1)) {
    const m = /^--?([A-Za-z0-9-]+)(?:=([\s\S]*))?$/.exec(arg);
    if (m) add(m[1], m[2] ?? true);
  }
  if (isObject(k3os.labels)) for (const [k, v] of Object.entries(k3os.labels)) add("node-label", `${k}=${String(v)}`);
  return { role: args[0] === "agent" ? "agent" : "server", config: out };
}
