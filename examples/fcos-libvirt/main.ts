/** Synthesizes this example alone: `EXAMPLE=fcos-libvirt npm run synth` does the same and prints a summary. */
import { App } from "cdktf";
import { FcosLibvirtStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new FcosLibvirtStack(app, "fcos-libvirt");
app.synth();
