// Moved beside the Ignition validators (lib/ignition/debian-ignition.ts); kept here for the testing entry.
export * from "../ignition/debian-ignition";
