/** Synthesizes the Flatcar-on-libvirt example: `node --import tsx examples/flatcar-libvirt/main.ts`. */
import { App } from "../../lib/cdktf";
import { assertLibvirtConforms } from "../libvirt-check";
import { FlatcarLibvirtStack } from "./stack";

const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
const app = new App({ outdir });
new FlatcarLibvirtStack(app, "flatcar-libvirt", {
  // Replace with the sha256 published for k3s-v1.31.4+k3s1 in flatcar/sysext-bakery's release assets.
  k3sSysextSha256: process.env.K3S_SYSEXT_SHA256 ?? "0".repeat(64),
  sshKeys: (process.env.SSH_KEYS ?? "").split("\n").filter((k) => k.trim()),
  uri: process.env.LIBVIRT_URI,
});
app.synth();
assertLibvirtConforms(outdir, "flatcar-libvirt");
