/**
 * Ignition spec versions this library renders. Flatcar reads 3.3.0 from release 3185.0.0 and
 * 3.4.0 from Alpha 3535 (flatcar/Flatcar#1000).
 */
export enum IgnitionVersion {
  V3_3_0 = "3.3.0",
  V3_4_0 = "3.4.0",
}
