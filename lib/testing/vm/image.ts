/**
 * Finds the VM test image that scripts/vm-image/build.sh builds, and QEMU: both as
 * {@link ExternalTool}s for the kit's missing-tool policy (lib/testing/external.ts).
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ExternalTool } from "../external";

/** Where build.sh caches images unless `MICROOS_VM_CACHE` says otherwise (the same default as the script). */
export const DEFAULT_VM_CACHE = "/var/cache/cdktf-microos/vm";

/** The files of a built test image. */
export interface VmImage {
  /** The image's directory, `<cache>/<recipe-hash>`. */
  readonly dir: string;
  /** The kernel QEMU boots directly. */
  readonly kernel: string;
  /** The dracut initramfs holding Debian's Ignition. */
  readonly initrd: string;
  /** The root disk (raw, GPT, partition 1 ext4 labelled ROOT); each boot writes to a fresh overlay of it. */
  readonly disk: string;
}

/** The recipe folder (scripts/vm-image) above this module, in the repository or an installed package. */
export function vmRecipeDir(): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "scripts", "vm-image");
    if (existsSync(join(candidate, "build.sh"))) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * The recipe's hash, as build.sh computes it: SHA-256 over one `<sha256>  <name>` line per file
 * of the folder (sorted by name), its first 16 hex digits.
 */
export function vmRecipeHash(recipeDir: string): string {
  const names = readdirSync(recipeDir)
    .filter((n) => statSync(join(recipeDir, n)).isFile())
    .sort(); // ASCII names: the same order as `LC_ALL=C sort`
  const manifest = names.map((n) => `${createHash("sha256").update(readFileSync(join(recipeDir, n))).digest("hex")}  ${n}\n`).join("");
  return createHash("sha256").update(manifest).digest("hex").slice(0, 16);
}

/**
 * The built image: `MICROOS_VM_IMAGE` (a directory holding vmlinuz, initrd.img and base.raw),
 * else the cache entry for the current recipe. Undefined when it is not built.
 */
export function locateVmImage(): VmImage | undefined {
  const explicit = process.env.MICROOS_VM_IMAGE;
  let dir: string | undefined;
  if (explicit) dir = resolve(explicit);
  else {
    const recipe = vmRecipeDir();
    if (!recipe) return undefined;
    dir = join(process.env.MICROOS_VM_CACHE || DEFAULT_VM_CACHE, vmRecipeHash(recipe));
    if (!existsSync(join(dir, "done"))) return undefined;
  }
  const image = { dir, kernel: join(dir, "vmlinuz"), initrd: join(dir, "initrd.img"), disk: join(dir, "base.raw") };
  return [image.kernel, image.initrd, image.disk].every((f) => existsSync(f)) ? image : undefined;
}

function onPath(program: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** QEMU (qemu-system-x86_64 and qemu-img), described for `need(ctx, tool)`. */
export function qemuTool(): ExternalTool {
  const system = onPath("qemu-system-x86_64");
  const img = onPath("qemu-img");
  return {
    name: "QEMU",
    location: system && img ? system : undefined,
    install: "apt-get install -y qemu-system-x86 qemu-utils",
  };
}

/** The VM test image, described for `need(ctx, tool)`. */
export function vmImageTool(): ExternalTool {
  const image = locateVmImage();
  const recipe = vmRecipeDir();
  const how = recipe
    ? `build it as root with \`bash ${recipe}/build.sh\` (about 4 minutes; needs apt-get install -y debootstrap gdisk qemu-utils), or set MICROOS_VM_IMAGE to a built image's directory`
    : "set MICROOS_VM_IMAGE to a directory holding vmlinuz, initrd.img and base.raw built by cdktf-microos's scripts/vm-image/build.sh";
  return { name: "VM test image", location: image?.dir, install: how };
}
