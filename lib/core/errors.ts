/**
 * The one error type the library throws for bad input.
 *
 * Every message names where the mistake is (`at`: a construct path or a config location), the
 * field, what is wrong and how to fix it, so a user reading a failed `cdktf synth` knows what to edit.
 */
export class MicroOsError extends Error {
  /** Construct path or config location, for example `Stack/prod` or `ignition`. */
  public readonly at: string;
  /** The field that holds the bad value, for example `storage.files[0].path`. */
  public readonly field: string;
  /** What to do instead. */
  public readonly fix: string;

  constructor(at: string, field: string, problem: string, fix: string) {
    super(`${at ? `${at}: ` : ""}${field}: ${problem}. Fix: ${fix}`);
    this.name = "MicroOsError";
    this.at = at;
    this.field = field;
    this.fix = fix;
  }
}

/** One thing wrong with a value, with where it is and how to fix it (what validators collect). */
export interface Problem {
  /** Where, for example `storage.files[/etc/hostname].mode` or `k3os.labels`. */
  readonly field: string;
  /** What is wrong. */
  readonly problem: string;
  /** What to do instead. */
  readonly fix: string;
}

/** A problem found in a value before the caller knows which field held it. */
export type Finding = Omit<Problem, "field">;
