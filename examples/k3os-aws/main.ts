/** Synthesizes this example alone: `EXAMPLE=k3os-aws npm run synth` does the same and prints a summary. */
import { App } from "cdktf";
import { K3osAwsStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new K3osAwsStack(app, "k3os-aws");
app.synth();
