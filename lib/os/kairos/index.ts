export * from "./kairos";
export * from "./k3s";
export { KAIROS_AMI_OWNER } from "./aws";
export { KAIROS_DEFAULT_RELEASE, KairosFlavor, kairosArtifacts, type KairosArtifacts } from "./release";
// The config model, so one export line in the package index brings both (lib/kairos imports nothing from here).
export * from "../../kairos";
