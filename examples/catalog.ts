/**
 * Every example by name, each building its stack in an app and returning its cluster, for
 * examples/main.ts (the README's synth command) and the benchmarks.
 */
import type { App } from "cdktf";
import type { Cluster } from "cdktf-microos";
import { FcosAwsStack } from "./fcos-aws/stack";
import { FcosLibvirtStack } from "./fcos-libvirt/stack";
import { FlatcarAwsStack } from "./flatcar-aws/stack";
import { FlatcarContainersStack } from "./flatcar-containers/stack";
import { FlatcarLibvirtStack } from "./flatcar-libvirt/stack";
import { K3osAwsStack } from "./k3os-aws/stack";
import { K3osLibvirtStack } from "./k3os-libvirt/stack";
import { KairosAwsStack } from "./kairos-aws/stack";
import { KairosLibvirtStack } from "./kairos-libvirt/stack";

export const EXAMPLES = {
  "flatcar-aws": (app: App, id: string): Cluster => new FlatcarAwsStack(app, id).cluster,
  "k3os-aws": (app: App, id: string): Cluster => new K3osAwsStack(app, id).cluster,
  "flatcar-libvirt": (app: App, id: string): Cluster => new FlatcarLibvirtStack(app, id).cluster,
  "k3os-libvirt": (app: App, id: string): Cluster => new K3osLibvirtStack(app, id).cluster,
  "flatcar-containers": (app: App, id: string): Cluster => new FlatcarContainersStack(app, id).cluster,
  "fcos-aws": (app: App, id: string): Cluster => new FcosAwsStack(app, id).cluster,
  "fcos-libvirt": (app: App, id: string): Cluster => new FcosLibvirtStack(app, id).cluster,
  "kairos-aws": (app: App, id: string): Cluster => new KairosAwsStack(app, id).cluster,
  "kairos-libvirt": (app: App, id: string): Cluster => new KairosLibvirtStack(app, id).cluster,
} as const;

export type ExampleName = keyof typeof EXAMPLES;
