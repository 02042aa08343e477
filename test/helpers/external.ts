// The policy for missing external validators lives in the testing kit (lib/testing/external.ts).
export { type ExternalTool, need } from "../../lib/testing/external";
