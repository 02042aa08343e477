/** Synthesizes the Flatcar-on-AWS example: `node --import tsx examples/flatcar-aws/main.ts`. */
import { App } from "../../lib/cdktf";
import { FlatcarAwsStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new FlatcarAwsStack(app, "flatcar-aws", {
  // Replace with the sha256 published for k3s-v1.31.4+k3s1 in flatcar/sysext-bakery's release assets.
  k3sSysextSha256: process.env.K3S_SYSEXT_SHA256 ?? "0".repeat(64),
  sshKeys: (process.env.SSH_KEYS ?? "").split("\n").filter((k) => k.trim()),
});
app.synth();
