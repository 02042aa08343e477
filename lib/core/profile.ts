/**
 * The neutral contract between operating systems and platforms. A platform publishes a typed key
 * for the boot profile it reads (`AWS_BOOT_PROFILE`, `LIBVIRT_BOOT_PROFILE`); an OS answers for the
 * platforms it supports, each pairing in the OS's own folder (`lib/os/flatcar/aws.ts`). The cluster
 * passes the profile from one to the other and names neither. Plain data: no cdktf here.
 */
import { MicroOsError } from "./errors";
import type { NodeSpec } from "./node";

/**
 * The key a platform reads boot profiles by; `P` is the profile's type, so an OS that answers
 * for the key must return that type.
 */
export class ProfileKey<P> {
  /** Phantom: ties the key to its profile type. */
  declare private readonly profileType?: P;

  /** @param platform the platform's name in messages, for example `AWS` */
  constructor(public readonly platform: string) {}
}

/** Makes the profile of one node. */
export type ProfileFactory<P> = (spec: NodeSpec) => P;

/** The boot profiles an OS has, by platform key. */
export class BootProfiles {
  private readonly factories = new Map<ProfileKey<unknown>, ProfileFactory<unknown>>();

  /** @param osName the OS's name in messages */
  constructor(private readonly osName: string) {}

  /** Adds the pairing for one platform; a second one for the same key is refused. */
  public add<P>(key: ProfileKey<P>, factory: ProfileFactory<P>): this {
    if (this.factories.has(key)) {
      throw new MicroOsError(this.osName, "profiles", `a boot profile for ${key.platform} is given twice`, "add one profile per platform");
    }
    this.factories.set(key, factory as ProfileFactory<unknown>);
    return this;
  }

  /** True when the OS can boot on the platform of `key`. */
  public supports(key: ProfileKey<unknown>): boolean {
    return this.factories.has(key);
  }

  /** The profile of `spec` for the platform of `key`; refused when the OS has none for it. */
  public get<P>(key: ProfileKey<P>, spec: NodeSpec, at: string = this.osName): P {
    const factory = this.factories.get(key);
    if (!factory) {
      const known = [...this.factories.keys()].map((k) => k.platform);
      throw new MicroOsError(at, "platform", `${this.osName} has no boot profile for ${key.platform}`, known.length ? `run it on ${known.join(" or ")}` : "pick an OS that supports this platform");
    }
    return factory(spec) as P;
  }
}

/** Smallest machine an OS runs on. */
export interface MachineMinimums {
  /** Memory in MiB. */
  readonly memoryMib: number;
  /** Root disk in GiB. */
  readonly diskGib: number;
}
