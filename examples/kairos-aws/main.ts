/** Synthesizes this example alone: `EXAMPLE=kairos-aws npm run synth` does the same and prints a summary. */
import { App } from "cdktf";
import { KairosAwsStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new KairosAwsStack(app, "kairos-aws");
app.synth();
