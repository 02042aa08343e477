export * from "./config";
export * from "./format";
export { checkKairosObject, assertKairosObject, validateKairosConfig, escapeKairosTemplate, isKairosStage, KAIROS_BOOT_STAGES, KAIROS_HEADERS } from "./validate";
export { KAIROS_CONFIG_SCHEMA } from "./schema";
