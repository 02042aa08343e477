/** Synthesizes this example alone: `EXAMPLE=flatcar-libvirt npm run synth` does the same and prints a summary. */
import { App } from "cdktf";
import { FlatcarLibvirtStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new FlatcarLibvirtStack(app, "flatcar-libvirt");
app.synth();
