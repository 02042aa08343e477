/**
 * Days of the week as update agents read them in reboot windows: abbreviated English (C locale)
 * names. Flatcar's locksmithd (flatcar/locksmith README, "Reboot windows") and Fedora CoreOS's
 * Zincati (coreos/zincati docs/usage/updates-strategy.md, `days`) both take them. Moved here from
 * lib/os/flatcar/updates.ts, which still exports it.
 */
export enum Weekday {
  SUNDAY = "Sun",
  MONDAY = "Mon",
  TUESDAY = "Tue",
  WEDNESDAY = "Wed",
  THURSDAY = "Thu",
  FRIDAY = "Fri",
  SATURDAY = "Sat",
}
