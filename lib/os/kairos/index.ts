export * from "./kairos";
export * from "./k3s";
export { KAIROS_AMI_OWNER } from "./aws";
export { KAIROS_DEFAULT_RELEASE, KairosFlavor, kairosArtifacts, type KairosArtifacts } from "./release";
