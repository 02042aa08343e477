/**
 * A machine's size, typed: an EC2 instance type on AWS, vCPUs and memory on libvirt. Each
 * platform takes the kind it can build and refuses the other, naming the fix. Plain data.
 */
import { MicroOsError } from "./errors";

/** A machine size. */
export class MachineSize {
  /** An EC2 instance type, for example `MachineSize.instanceType("t3.medium")` (AWS). */
  public static instanceType(name: string): MachineSize {
    if (typeof name !== "string" || !/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(name)) {
      throw new MicroOsError("MachineSize.instanceType", "name", `${JSON.stringify(name)} is not an EC2 instance type name`, 'give <family>.<size>, for example "t3.medium"');
    }
    return new MachineSize(name, undefined, undefined);
  }

  /** vCPUs and memory in MiB, for example `MachineSize.cpuMemory(2, 4096)` (libvirt). */
  public static cpuMemory(vcpu: number, memoryMib: number): MachineSize {
    for (const [field, value] of [["vcpu", vcpu], ["memoryMib", memoryMib]] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new MicroOsError("MachineSize.cpuMemory", field, `${JSON.stringify(value)} is not a positive whole number`, field === "vcpu" ? "give at least 1 vCPU" : "give the memory in MiB, for example 4096");
      }
    }
    return new MachineSize(undefined, vcpu, memoryMib);
  }

  private constructor(
    /** The EC2 instance type, for sizes made by {@link instanceType}. */
    public readonly instanceTypeName: string | undefined,
    /** vCPUs, for sizes made by {@link cpuMemory}. */
    public readonly vcpu: number | undefined,
    /** Memory in MiB, for sizes made by {@link cpuMemory}. */
    public readonly memoryMib: number | undefined,
  ) {}

  /** The platform spelling: `t3.medium`, or `<vcpu>x<memory MiB>` (`2x4096`). */
  public toString(): string {
    return this.instanceTypeName ?? `${this.vcpu}x${this.memoryMib}`;
  }
}

/** A size as the cluster's props take it: typed, or the platform's own spelling (`t3.medium`, `2x4096`). */
export type SizeInput = MachineSize | string;

/** The EC2 instance type a size names; a vCPU/memory size is refused. */
export function instanceTypeOf(size: SizeInput, at: string, field: string): string {
  if (typeof size === "string") return size;
  if (size instanceof MachineSize && size.instanceTypeName !== undefined) return size.instanceTypeName;
  throw new MicroOsError(at, field, `${String(size)} is not an EC2 instance type`, 'give MachineSize.instanceType("t3.medium") (AWS sizes machines by instance type)');
}

/** vCPUs and memory a size names (`MachineSize.cpuMemory`, or `<vcpu>x<memory MiB>`); an instance type is refused. */
export function cpuMemoryOf(size: SizeInput, at: string, field: string): { vcpu: number; memoryMib: number } {
  if (size instanceof MachineSize) {
    if (size.vcpu !== undefined && size.memoryMib !== undefined) return { vcpu: size.vcpu, memoryMib: size.memoryMib };
    throw new MicroOsError(at, field, `instance type ${String(size)} is not a libvirt size`, "give MachineSize.cpuMemory(vcpu, memoryMib), for example MachineSize.cpuMemory(2, 4096)");
  }
  const match = typeof size === "string" ? /^([1-9][0-9]*)x([1-9][0-9]*)$/.exec(size) : null;
  if (!match) {
    throw new MicroOsError(at, field, `\`${String(size)}\` is not a libvirt size`, "write `<vcpu>x<memory MiB>`, for example `2x4096`, or MachineSize.cpuMemory(2, 4096)");
  }
  return { vcpu: Number(match[1]), memoryMib: Number(match[2]) };
}
