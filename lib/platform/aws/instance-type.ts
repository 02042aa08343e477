/**
 * The CPU architecture of an EC2 instance type, read from its name. Plain data, no cdktf.
 */
import { Architecture } from "../../core/node";
import { MicroOsError } from "../../core/errors";

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
  if (ARM_FAMILIES_WITHOUT_G.has(family)) return Architecture.ARM64;
  return (m[3] ?? "").includes("g") ? Architecture.ARM64 : Architecture.AMD64;
}
