/** Synthesizes this example alone: `EXAMPLE=k3os-libvirt npm run synth` does the same and prints a summary. */
import { App } from "cdktf";
import { K3osLibvirtStack } from "./stack";

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out" });
new K3osLibvirtStack(app, "k3os-libvirt");
app.synth();
