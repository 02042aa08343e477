/**
 * Which Ignition spec an OS release reads: a table per OS, each row with its source, and the
 * checks the Ignition OSes share (a pinned release that cannot read the asked spec is refused,
 * naming the release that can). Plain data; no cdktf.
 */
import { MicroOsError } from "../../core/errors";
import { compareSpecs, IGNITION_VERSIONS, type IgnitionVersion, isIgnitionVersion } from "../../ignition/version";

/** One row: releases from `from` on (until the next row) read up to `spec`. */
export interface SpecRow {
  /** The first release (as the OS numbers them) this row covers, for example `3535.0.0`. */
  readonly from: string;
  /** The newest spec these releases read. */
  readonly spec: IgnitionVersion;
  /** The Ignition release they ship, where a source gives it. @default - not known here */
  readonly ignition?: string;
  /** Where the row comes from. */
  readonly source: string;
}

/** An OS's table, oldest row first, and how it compares its release numbers. */
export interface SpecTable {
  /** The OS, for messages. */
  readonly os: string;
  readonly rows: readonly SpecRow[];
  /** Negative, zero or positive as release `a` is older than, equal to or newer than `b`. */
  compare(a: string, b: string): number;
}

/** Compares dotted release numbers (`4593.2.5`, `44.20260802.3.1`) part by part, numerically. */
export function compareDotted(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The newest spec a release reads, or undefined for a release older than the first row. */
export function specOfRelease(table: SpecTable, release: string): IgnitionVersion | undefined {
  let spec: IgnitionVersion | undefined;
  for (const row of table.rows) if (table.compare(release, row.from) >= 0) spec = row.spec;
  return spec;
}

/** The first row that reads `spec`, if any release of the table does. */
export function firstReleaseReading(table: SpecTable, spec: IgnitionVersion): SpecRow | undefined {
  return table.rows.find((row) => compareSpecs(row.spec, spec) >= 0);
}

/** For a fix: where to find a release that reads `spec`. */
export function whereToRead(table: SpecTable, spec: IgnitionVersion): string {
  const row = firstReleaseReading(table, spec);
  if (!row) return `no ${table.os} release known here reads spec ${spec} yet (newest: ${table.rows[table.rows.length - 1].spec})`;
  return `${table.os} reads spec ${spec} from ${row.from}${row.ignition ? ` (Ignition ${row.ignition})` : ""}; ${row.source}`;
}

/**
 * The spec an OS renders: the one asked for, checked against what the release (or the channel's
 * current release) reads, else the newest it reads. `at` and `release` name the OS and release in
 * the refusal.
 */
export function resolveSpec(at: string, table: SpecTable, asked: unknown, reads: IgnitionVersion, releaseName: string): IgnitionVersion {
  if (asked === undefined) return reads;
  if (!isIgnitionVersion(asked)) {
    throw new MicroOsError(at, "ignitionVersion", `\`${String(asked)}\` is not an Ignition version this library renders`, `use ${IGNITION_VERSIONS.map((v) => `IgnitionVersion.V${v.replace(/\./g, "_")}`).join(", ")}`);
  }
  if (compareSpecs(asked, reads) > 0) {
    const row = firstReleaseReading(table, asked);
    const fix = row ? `use IgnitionVersion.V${reads.replace(/\./g, "_")}, or pin ${row.from} or newer (${row.source})` : `use IgnitionVersion.V${reads.replace(/\./g, "_")}; no ${table.os} release known here reads ${asked} yet`;
    throw new MicroOsError(at, "ignitionVersion", `${releaseName} reads Ignition spec ${asked} only from ${row ? row.from : "a later release"}; it reads up to ${reads}`, fix);
  }
  return asked;
}
