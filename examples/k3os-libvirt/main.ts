/** Synthesizes the k3OS-on-libvirt example: `node --import tsx examples/k3os-libvirt/main.ts`. */
import { App } from "../../lib/cdktf";
import { assertLibvirtConforms } from "../libvirt-check";
import { K3osLibvirtStack } from "./stack";

const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
const app = new App({ outdir });
new K3osLibvirtStack(app, "k3os-libvirt", {
  sshKeys: (process.env.SSH_KEYS ?? "").split("\n").filter((k) => k.trim()),
  uri: process.env.LIBVIRT_URI,
});
app.synth();
assertLibvirtConforms(outdir, "k3os-libvirt");
