/** Synthesizes the k3OS-on-AWS example: `K3OS_AMI=ami-... node --import tsx examples/k3os-aws/main.ts`. */
import { App } from "../../lib/cdktf";
import { K3osAwsStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new K3osAwsStack(app, "k3os-aws", {
  amiId: process.env.K3OS_AMI ?? "ami-0123456789abcdef0",
  sshKeys: (process.env.SSH_KEYS ?? "").split("\n").filter((k) => k.trim()),
});
app.synth();
