/** Synthesizes this example alone: `EXAMPLE=flatcar-aws npm run synth` does the same and prints a summary. */
import { App } from "cdktf";
import { FlatcarAwsStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new FlatcarAwsStack(app, "flatcar-aws");
app.synth();
