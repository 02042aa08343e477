/**
 * The QEMU user network (slirp) for one boot. By default QEMU's own plan: network 10.0.2.0/24,
 * the host at 10.0.2.2, DHCP from 10.0.2.15. When the config gives the node a static IPv4
 * address in a systemd-networkd `.network` file, the user network is laid out around it instead
 * (that network, the config's gateway as QEMU's host address), so the node comes up at the
 * address the config gives and ssh reaches it there. Nothing leaves QEMU: the network is
 * `restrict=on` (no traffic beyond the forwards below), with ssh forwarded from the host's
 * loopback and the local HTTP server forwarded into the guest at one more address of the network.
 */
import { decodeDataUrl } from "../../ignition/encode";

/** A QEMU user-network plan. */
export interface UserNetwork {
  /** The network, `a.b.c.d/len`. */
  readonly net: string;
  /** QEMU's host (gateway) address inside it. */
  readonly host: string;
  /**
   * Where the guest reaches the local HTTP server: QEMU forwards this address's connections
   * (guestfwd) to the server on the host's loopback. Not the host address, which a restricted
   * user network keeps closed and guestfwd may not take.
   */
  readonly http: string;
  /** QEMU's DNS address inside it (answers nothing: the network is restricted). */
  readonly dns: string;
  /** First DHCP address (the initramfs takes one for remote contents). */
  readonly dhcpStart: string;
  /** The address ssh is forwarded to: the static address, else the first DHCP address. */
  readonly guest: string;
  /** The static address the config gives, with its prefix, when it gives one. */
  readonly staticAddress?: string;
}

// QEMU's defaults (qemu-options.hx, "-netdev user": net=10.0.2.0/24, host=10.0.2.2, dns=10.0.2.3, dhcpstart=10.0.2.15).
// The HTTP address is the one QEMU's documentation uses for guestfwd (10.0.2.100).
const DEFAULT: UserNetwork = { net: "10.0.2.0/24", host: "10.0.2.2", dns: "10.0.2.3", dhcpStart: "10.0.2.15", guest: "10.0.2.15", http: "10.0.2.100" };

const toInt = (a: string): number => a.split(".").reduce((n, p) => n * 256 + Number(p), 0);
const toAddr = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");

/** The first static IPv4 address (and gateway) in the config's networkd files, if any. */
export function staticIpv4(config: string): { address: string; prefix: number; gateway?: string } | undefined {
  let parsed: { storage?: { files?: { path?: string; contents?: { source?: string } }[] } };
  try {
    parsed = JSON.parse(config);
  } catch {
    return undefined;
  }
  for (const f of parsed.storage?.files ?? []) {
    if (!f.path || !/^\/etc\/systemd\/network\/[^/]+\.network$/.test(f.path)) continue;
    const source = f.contents?.source;
    const text = source?.startsWith("data:") ? decodeDataUrl(source)?.toString("utf8") : undefined;
    if (!text) continue;
    const address = /^\s*Address\s*=\s*(\d+\.\d+\.\d+\.\d+)\/(\d+)\s*$/m.exec(text);
    if (!address) continue;
    const gateway = /^\s*Gateway\s*=\s*(\d+\.\d+\.\d+\.\d+)\s*$/m.exec(text);
    return { address: address[1], prefix: Number(address[2]), gateway: gateway?.[1] };
  }
  return undefined;
}

/** The user network for a config: QEMU's default, or one around the config's static address. */
export function userNetworkFor(config: string): UserNetwork {
  const s = staticIpv4(config);
  if (!s) return DEFAULT;
  if (s.prefix < 8 || s.prefix > 29) {
    throw new Error(`the static address ${s.address}/${s.prefix} cannot be laid out on QEMU's user network: give a prefix from /8 to /29`);
  }
  const mask = s.prefix === 0 ? 0 : (0xffffffff << (32 - s.prefix)) >>> 0;
  const base = (toInt(s.address) & mask) >>> 0;
  const size = 2 ** (32 - s.prefix);
  const guest = toInt(s.address);
  const inNet = (n: number) => n > base && n < base + size - 1;
  const taken = new Set([guest]);
  const pick = (preferred: number): number => {
    for (let n = preferred; inNet(n); n++) if (!taken.has(n)) return taken.add(n), n;
    for (let n = base + 1; inNet(n); n++) if (!taken.has(n)) return taken.add(n), n;
    throw new Error(`the network of ${s.address}/${s.prefix} is too small for QEMU's user network`);
  };
  const gw = s.gateway ? toInt(s.gateway) : undefined;
  if (gw !== undefined && (!inNet(gw) || gw === guest)) {
    throw new Error(`the static gateway ${s.gateway} is not another address in ${s.address}/${s.prefix}: QEMU's user network needs its host address inside the node's network`);
  }
  const host = gw ?? pick(base + 2);
  taken.add(host);
  const dns = pick(base + 3);
  const http = pick(base + Math.min(100, size - 2));
  // DHCP hands out 16 addresses from dhcpstart (slirp); keep them clear of the static address.
  let dhcp = base + Math.min(15, Math.max(4, size - 20));
  while (inNet(dhcp + 16) && [...taken].some((t) => t >= dhcp && t < dhcp + 16)) dhcp++;
  return {
    net: `${toAddr(base)}/${s.prefix}`,
    host: toAddr(host),
    dns: toAddr(dns),
    http: toAddr(http),
    dhcpStart: toAddr(dhcp),
    guest: s.address,
    staticAddress: `${s.address}/${s.prefix}`,
  };
}
