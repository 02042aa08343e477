/** Synthesizes this example alone: `EXAMPLE=flatcar-containers npm run synth` does the same and prints a summary. */
import { App } from "cdktf";
import { FlatcarContainersStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new FlatcarContainersStack(app, "flatcar-containers");
app.synth();
