/**
 * The CPU architecture of an EC2 instance type, read from its name. Plain data, no cdktf.
 */
import { Architecture } from "../../core/node";
import { MicroOsError } from "../../core/errors";
import { INSTANCE_TYPE_FAMILIES, INSTANCE_TYPES_SOURCE } from "../../../gen/aws/instance-types";

// EC2 instance type names are `<family>.<size>`; the family is a series (letters), a generation
// (digits) and attribute letters. The attribute `g` marks AWS Graviton (arm64) processors
// (AWS EC2 "Instance types" guide, "Amazon EC2 instance type naming conventions": t4g, m6gd,
// c7gn, r8g, im4gn, is4gen, hpc7g, g5g). `a1` is the first-generation Graviton family and
// carries no `g` (same guide, "Previous generation instance types").
// An optional `-suffix` follows (`m7i-flex`, `u7i-12tb`); high-memory `u-6tb1` families are x86.
const FAMILY = /^([a-z]+)(\d+)([a-z]*)(-[a-z0-9]+)?$|^u-[a-z0-9]+$/;
const ARM_FAMILIES_WITHOUT_G = new Set(["a1"]);

/** The architecture of `instanceType` (`t3.medium` -> AMD64, `t4g.medium` -> ARM64). */
export function instanceTypeArchitecture(instanceType: string, at: string, field: string): Architecture {
  const dot = instanceType.indexOf(".");
  const family = dot > 0 ? instanceType.slice(0, dot) : "";
  const m = FAMILY.exec(family);
  if (!m || dot === instanceType.length - 1) {
    throw new MicroOsError(at, field, `"${instanceType}" is not an EC2 instance type`, 'give "<family>.<size>", for example "t3.medium" or "t4g.medium"');
  }
  checkKnownInstanceType(instanceType, family, at, field);
  if (ARM_FAMILIES_WITHOUT_G.has(family)) return Architecture.ARM64;
  return (m[3] ?? "").includes("g") ? Architecture.ARM64 : Architecture.AMD64;
}

/**
 * Refuses a name EC2 does not offer: the catalogue is the EC2 API model's `InstanceType` enum
 * (gen/aws/instance-types.ts, written by scripts/gen-instance-types.ts from @aws-sdk/client-ec2).
 */
function checkKnownInstanceType(instanceType: string, family: string, at: string, field: string): void {
  const sizes = INSTANCE_TYPE_FAMILIES[family]?.split(" ");
  const size = instanceType.slice(family.length + 1);
  if (sizes?.includes(size)) return;
  const fix = sizes
    ? `use a size of ${family} that EC2 offers: ${sizes.slice(0, 12).join(", ")}${sizes.length > 12 ? ", ..." : ""}`
    : `use a family EC2 offers, for example t3, m7i or t4g (the EC2 API's InstanceType list, ${INSTANCE_TYPES_SOURCE})`;
  throw new MicroOsError(at, field, `"${instanceType}" is not an EC2 instance type${sizes ? ` (family ${family} has no size ${size})` : ` (no family ${family})`}`, fix);
}
