/** Synthesizes this example alone: `EXAMPLE=kairos-libvirt npm run synth` does the same and prints a summary. */
import { App } from "cdktf";
import { KairosLibvirtStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new KairosLibvirtStack(app, "kairos-libvirt");
app.synth();
