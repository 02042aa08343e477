/**
 * OpenSSH public key lines, as every config format writes them to `authorized_keys` (Ignition's
 * `sshAuthorizedKeys`, k3OS's and Kairos's `ssh_authorized_keys`) and the Cluster takes them.
 * Plain TypeScript, shared by the config models and the cluster.
 */
import { isDeferred } from "./deferred";
import { MicroOsError, type Problem } from "./errors";
import type { Shape } from "./props";
import { show } from "./show";

// Public key types sshd reads from authorized_keys (sshd(8) AUTHORIZED_KEYS FILE FORMAT).
export const SSH_KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ssh-dss",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
] as const;

/**
 * An OpenSSH public key line `type base64-blob [comment]`. The blob must decode, and (RFC 4253
 * section 6.6, the key format) start with the key type as a 4-byte big-endian length and its name.
 * Apply-time values (cdktf tokens) pass: they may stand for any key.
 */
export function checkSshKey(value: unknown, field: string): Problem | undefined {
  if (typeof value !== "string") return { field, problem: `expected a string, got ${show(value)}`, fix: "pass a string" };
  if (value === "") return { field, problem: "is empty", fix: "give a non-empty value" };
  const key = value;
  if (isDeferred(key)) return undefined;
  const fix = "paste the whole line of the .pub file, for example \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... you@host\"";
  if (/[\r\n]/.test(key)) return { field, problem: "the ssh key spans several lines", fix: "give each key as its own list entry, one line each" };
  const [type, blob] = key.trim().split(/\s+/);
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) {
    return { field, problem: `${show(key)} is not an OpenSSH public key: unknown key type ${show(type)}`, fix: `${fix}; known types: ${SSH_KEY_TYPES.join(", ")}` };
  }
  if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || blob.length % 4 !== 0) {
    return { field, problem: `the ${type} key's blob is not base64`, fix };
  }
  const bytes = Buffer.from(blob, "base64");
  const len = bytes.length >= 4 ? bytes.readUInt32BE(0) : -1;
  if (len !== type.length || bytes.subarray(4, 4 + len).toString("latin1") !== type) {
    return { field, problem: `the ${type} key's blob does not start with its type name; the key is damaged or of another type`, fix };
  }
  return undefined;
}

/** One OpenSSH public key line, as a props shape (lib/core/props.ts). */
export function sshKey(): Shape {
  return (at, field, value) => {
    const problem = checkSshKey(value, field);
    if (problem) throw new MicroOsError(at, field, problem.problem, problem.fix);
  };
}
