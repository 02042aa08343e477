import { MicroOsError } from "./errors";

/** Where an optional peer is needed, for the error when it is missing. */
export interface PeerUse {
  /** Construct path or config location that needs the package. */
  readonly at: string;
  /** The field whose value needs it, for example `kubernetes.token`. */
  readonly field: string;
  /** What needs it, for example `ClusterToken.random()`. */
  readonly what: string;
  /** Another way that needs no extra package, for the fix. */
  readonly otherwise?: string;
}

type Require = (id: string) => unknown;

/** The version range this package declares for `name` in its own package.json `peerDependencies`. */
export function peerVersion(name: string, req: Require = require): string | undefined {
  try {
    // The package's own manifest through its "./package.json" export (Node self-reference), the
    // same path from the sources and from the installed dist/.
    const manifest = req("cdktf-microos/package.json") as { peerDependencies?: Record<string, string> };
    return manifest.peerDependencies?.[name];
  } catch {
    return undefined;
  }
}

/**
 * Loads `<name>/<subpath>` of an optional peer dependency when a feature first needs it, so the
 * library loads without it. A missing package fails with a MicroOsError naming what to install.
 * Type the result with an `import type` of the same module.
 */
export function requirePeer<T>(name: string, subpath: string, use: PeerUse, req: Require = require): T {
  const id = subpath ? `${name}/${subpath}` : name;
  try {
    return req(id) as T;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // Only the package itself missing; a broken install or a failing module keeps its own error.
    if (err?.code !== "MODULE_NOT_FOUND" || !String(err.message).includes(`'${id}'`)) throw e;
    const version = peerVersion(name, req);
    const spec = version && /^\d+\.\d+\.\d+$/.test(version) ? `${name}@${version}` : name;
    throw new MicroOsError(
      use.at,
      use.field,
      `${use.what} needs the optional peer dependency ${name}${version ? ` (${version})` : ""}, which is not installed`,
      `npm install ${spec}${use.otherwise ? `, or ${use.otherwise}` : ""}`,
    );
  }
}
