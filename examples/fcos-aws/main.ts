/** Synthesizes this example alone: `EXAMPLE=fcos-aws npm run synth` does the same and prints a summary. */
import { App } from "cdktf";
import { FcosAwsStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new FcosAwsStack(app, "fcos-aws");
app.synth();
