/**
 * Kairos releases and their artifacts: the flavour a release is built on, the k3s it bundles, and
 * the names of its ISO, its container images and its AMIs. Facts read at their source, cited where
 * used.
 */
import { MicroOsError } from "../../core/errors";
import { isK3sReleaseTag, K3S_RELEASE_TAG_EXAMPLE } from "../../core/k3s";
import type { Architecture } from "../../core/node";
import { checkProps, str } from "../../core/props";

/** The Linux distribution a Kairos image is built from, at one release of it. */
export class KairosFlavor {
  /**
   * Hadron, Kairos's own base and the only flavour its v4 releases publish (kairos-io/kairos
   * .github/workflows/release.yaml at v4.2.0 builds `ghcr.io/kairos-io/hadron:v0.5.1` only).
   * @param release the Hadron release, for example `v0.5.1`
   */
  public static hadron(release: string): KairosFlavor {
    return KairosFlavor.of("hadron", release);
  }

  /**
   * Any flavour by name and release as they appear in artifact names, for example
   * `ubuntu` / `24.04` for images you build (kairos-docs reference/artifacts.md).
   */
  public static of(name: string, release: string): KairosFlavor {
    checkProps("KairosFlavor", "name", name, str({ fix: 'give a lower-case name such as "hadron"' }));
    checkProps("KairosFlavor", "release", release, str({ fix: 'give a release as artifact names carry it, for example "v0.5.1" or "24.04"' }));
    if (!/^[a-z][a-z0-9]*$/.test(name)) {
      throw new MicroOsError("KairosFlavor", "name", `"${name}" is not a flavour name`, 'give a lower-case name such as "hadron"');
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(release)) {
      throw new MicroOsError("KairosFlavor", "release", `"${release}" is not a flavour release`, 'give a release as artifact names carry it, for example "v0.5.1" or "24.04"');
    }
    return new KairosFlavor(name, release);
  }

  private constructor(
    /** As artifact names carry it: `hadron`. */
    public readonly name: string,
    /** As artifact names carry it: `v0.5.1`. */
    public readonly release: string,
  ) {}

  /** `<name>-<release>`, for example `hadron-v0.5.1`. */
  public toString(): string {
    return `${this.name}-${this.release}`;
  }
}

/** What a release publishes, where this library knows it. */
interface KnownRelease {
  readonly flavor: KairosFlavor;
  /** The k3s the docs name for the release (each release ships three k3s minors; reference/artifacts.md). */
  readonly k3sVersion: string;
}

// kairos-io/kairos-docs docusaurus.config.ts, docsVersionCustomFields: v4.2.0 is built on
// Hadron v0.5.1 and its documented standard images carry k3s v1.36.3+k3s1 (the docs' release
// check, scripts/validate-release-artifacts.mjs, asserts that ISO exists in the release).
const KNOWN: Readonly<Record<string, KnownRelease>> = {
  "v4.2.0": { flavor: KairosFlavor.hadron("v0.5.1"), k3sVersion: "v1.36.3+k3s1" },
};

/** The Kairos release this library is tested with (FACTS.md; github.com/kairos-io/kairos/releases). */
export const KAIROS_DEFAULT_RELEASE = "v4.2.0";

// Release tags: v<major>.<minor>.<patch>[-rcN|-betaN|-alphaN] (github.com/kairos-io/kairos tags).
const TAG = /^v\d+\.\d+\.\d+(-(rc|beta|alpha)\d+)?$/;

/** The flavour and k3s of a release: the ones given, else the ones known for the tag. */
export function resolveRelease(tag: string, flavor: KairosFlavor | undefined, k3sVersion: string | undefined): KnownRelease {
  if (!TAG.test(tag)) {
    throw new MicroOsError("Kairos", "tag", `"${tag}" is not a Kairos release tag`, `give a tag like "${KAIROS_DEFAULT_RELEASE}" (github.com/kairos-io/kairos/releases)`);
  }
  if (k3sVersion !== undefined && !isK3sReleaseTag(k3sVersion)) {
    throw new MicroOsError("Kairos", "k3sVersion", `"${k3sVersion}" is not a k3s release tag`, `give a tag like "${K3S_RELEASE_TAG_EXAMPLE}", one the release ships`);
  }
  const known = KNOWN[tag];
  if (!known && (flavor === undefined || k3sVersion === undefined)) {
    throw new MicroOsError(
      "Kairos",
      flavor === undefined ? "flavor" : "k3sVersion",
      `the library does not know which flavour and k3s release ${tag} publishes`,
      `name both, for example Kairos.release("${tag}", { flavor: KairosFlavor.hadron("v0.5.1"), k3sVersion: "${KNOWN[KAIROS_DEFAULT_RELEASE].k3sVersion}" }), as the release's asset names read`,
    );
  }
  return { flavor: flavor ?? known.flavor, k3sVersion: k3sVersion ?? known.k3sVersion };
}

/** The names of one release's artifacts for one architecture. */
export interface KairosArtifacts {
  /** The standard (k3s) ISO's file name. */
  readonly isoName: string;
  /** Its download URL. */
  readonly isoUrl: string;
  /** The standard (k3s) container image, as a reset or upgrade source. */
  readonly standardImage: string;
  /** The public AMI's name (a core image: no k3s). */
  readonly amiName: string;
}

/** Artifact names of a release (the patterns are cited line by line). */
export function kairosArtifacts(tag: string, flavor: KairosFlavor, k3sVersion: string, architecture: Architecture): KairosArtifacts {
  const stem = `kairos-${flavor.name}-${flavor.release}`;
  // ISO: kairos-<flavor>-<flavor_release>-standard-<arch>-generic-<version>-k3sv<k3s>.iso, the `+`
  // kept (kairos-docs reference/artifacts.md; src/components/kairos-image-name.test.mjs;
  // scripts/validate-release-artifacts.mjs). Release assets live under the tag's download path.
  const isoName = `${stem}-standard-${architecture}-generic-${tag}-k3s${k3sVersion}.iso`;
  const isoUrl = `https://github.com/kairos-io/kairos/releases/download/${tag}/${encodeURIComponent(isoName)}`;
  // OCI tag: <flavor_release>-standard-<arch>-generic-<version>-k3s-<k3s with + as ->
  // (kairos-io/kairos-factory-action reusable-factory.yaml DEFAULT_TAG; kairos-docs kairos-image-name.test.mjs, kairos#4194).
  const standardImage = `quay.io/kairos/${flavor.name}:${flavor.release}-standard-${architecture}-generic-${tag}-k3s-${k3sVersion.replace(/\+/g, "-")}`;
  // AMI name: the raw disk's file name, kairos-<flavor>-<flavor_release>-core-<arch>-generic-<version>.raw
  // (kairos .github/workflows/upload-cloud-images.yaml builds it from the hadron *core* image;
  // upload-image-to-aws.sh registers it under its basename; AuroraBoot pkg/ops/rawDiskGeneration.go
  // names it kairos-<NameFromRootfs>.raw).
  const amiName = `${stem}-core-${architecture}-generic-${tag}.raw`;
  return { isoName, isoUrl, standardImage, amiName };
}
