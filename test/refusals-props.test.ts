/**
 * Bad props as a JavaScript caller (or a config file) would pass them, refused at the call that
 * takes them with the place, the field and a fix: the Cluster, both platforms, the tokens and the
 * OS factories (issue 18). Each case asserts its message.
 */
import { describe } from "vitest";
import { TerraformStack, Testing } from "../lib/cdktf";
import { Cluster, type ClusterProps, ClusterToken } from "../lib/cluster";
import { Flatcar, FlatcarChannel } from "../lib/os/flatcar";
import { K3sFlatcarInstall } from "../lib/os/flatcar/k3s";
import { K3os } from "../lib/os/k3os";
import { IgnitionConfig } from "../lib/ignition";
import { AwsPlatform } from "../lib/platform/aws";
import { LibvirtPlatform } from "../lib/platform/libvirt";
import { type Refusal, refusals } from "./refusals-helpers";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxxTXAsO5o3pBfyYS4NBMV3PninW6f7qwsyun4YP8GB admin@example";
const flatcar = () => Flatcar.channel(FlatcarChannel.STABLE, { k3sInstall: K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32) } }) });
const base = (): ClusterProps => ({ os: flatcar(), platform: LibvirtPlatform.local({}), kubernetes: { token: ClusterToken.fromVariable() }, sshKeys: [KEY] });

/** Builds a cluster from the base props with `over` laid on top (values as JavaScript would pass them). */
function cluster(over: Record<string, unknown>): () => Cluster {
  return () => new Cluster(new TerraformStack(Testing.app(), "test"), "demo", { ...base(), ...over } as unknown as ClusterProps);
}
const C = "test/demo: ";

const clusterCases: Refusal[] = [
  { name: "props that are not an object", run: () => new Cluster(new TerraformStack(Testing.app(), "test"), "demo", "props" as never), message: `${C}props: got the string "props", not an object` },
  { name: "a misspelt option (pool instead of pools)", run: cluster({ pool: [] }), message: `${C}pool: no such option. Fix: did you mean \`pools\`?` },
  { name: "an unknown option", run: cluster({ region: "eu-central-1" }), message: `${C}region: no such option` },
  { name: "an os that is a string", run: cluster({ os: "flatcar" }), message: `${C}os: got the string "flatcar", not a IOperatingSystem` },
  { name: "no os", run: cluster({ os: undefined }), message: `${C}os: the value is missing` },
  { name: "a platform that is a plain object", run: cluster({ platform: { name: "aws" } }), message: `${C}platform: got an object, not a IPlatform` },
  { name: "no platform", run: cluster({ platform: null }), message: `${C}platform: the value is missing` },
  { name: "controllers as a number", run: cluster({ controllers: 3 }), message: `${C}controllers: got the number 3, not an object` },
  { name: "controllers as a list", run: cluster({ controllers: [{ count: 1 }] }), message: `${C}controllers: got a list, not an object` },
  { name: "a controller count as a string", run: cluster({ controllers: { count: "3" } }), message: `${C}controllers.count: got the string "3", not a number` },
  { name: "a controller size as a number", run: cluster({ controllers: { size: 4096 } }), message: `${C}controllers.size: got the number 4096, not a string` },
  { name: "an empty controller size", run: cluster({ controllers: { size: " " } }), message: `${C}controllers.size: the string is empty` },
  { name: "a controller architecture in capitals", run: cluster({ controllers: { architecture: "AMD64" } }), message: `${C}controllers.architecture: the string "AMD64" is not a Architecture. Fix: use Architecture.AMD64 ("amd64"), Architecture.ARM64 ("arm64")` },
  { name: "a controller architecture x86_64", run: cluster({ controllers: { architecture: "x86_64" } }), message: `${C}controllers.architecture: the string "x86_64" is not a Architecture` },
  { name: "a controller disk as a string", run: cluster({ controllers: { diskGib: "30" } }), message: `${C}controllers.diskGib: got the string "30", not a number` },
  { name: "an unknown controller option", run: cluster({ controllers: { cout: 3 } }), message: `${C}controllers.cout: no such option. Fix: did you mean \`count\`?` },
  { name: "a spot controller option", run: cluster({ controllers: { spot: true } }), message: `${C}controllers.spot: no such option` },
  { name: "pools as an object", run: cluster({ pools: { name: "a" } }), message: `${C}pools: got an object, not a list` },
  { name: "pools as a string", run: cluster({ pools: "workers" }), message: `${C}pools: got the string "workers", not a list` },
  { name: "a pool that is a string", run: cluster({ pools: ["workers"] }), message: `${C}pools[0]: got the string "workers", not an object` },
  { name: "a pool without a name", run: cluster({ pools: [{ count: 1 }] }), message: `${C}pools[0].name: the value is missing` },
  { name: "a pool name as a number", run: cluster({ pools: [{ name: 7 }] }), message: `${C}pools[0].name: got the number 7, not a string` },
  { name: "a pool name with a line break", run: cluster({ pools: [{ name: "a\nb" }] }), message: `${C}pools[0].name: the string "a\\nb" holds a line break or control character` },
  { name: "a pool count as a string", run: cluster({ pools: [{ name: "a", count: "2" }] }), message: `${C}pools[0].count: got the string "2", not a number` },
  { name: "pool node names as a string", run: cluster({ pools: [{ name: "a", nodeNames: "x" }] }), message: `${C}pools[0].nodeNames: got the string "x", not a list` },
  { name: "a pool node name given twice", run: cluster({ pools: [{ name: "a", nodeNames: ["x", "x"] }] }), message: `${C}pools[0].nodeNames[1]: the string "x" is listed twice` },
  { name: "a pool node name as a number", run: cluster({ pools: [{ name: "a", nodeNames: [1] }] }), message: `${C}pools[0].nodeNames[0]: got the number 1, not a string` },
  { name: "pool labels as a list", run: cluster({ pools: [{ name: "a", labels: ["x=y"] }] }), message: `${C}pools[0].labels: got a list, not a map of names to values` },
  { name: "a pool label value as a number", run: cluster({ pools: [{ name: "a", labels: { tier: 1 } }] }), message: `${C}pools[0].labels[tier]: got the number 1, not a string` },
  { name: "a pool label value with a line break", run: cluster({ pools: [{ name: "a", labels: { tier: "a\nb" } }] }), message: `${C}pools[0].labels[tier]: the string "a\\nb" holds a line break` },
  { name: "pool taints as a string", run: cluster({ pools: [{ name: "a", taints: "gpu=true:NoSchedule" }] }), message: `${C}pools[0].taints: got the string "gpu=true:NoSchedule", not a list` },
  { name: "a taint effect in lower case", run: cluster({ pools: [{ name: "a", taints: [{ key: "gpu", effect: "noschedule" }] }] }), message: `${C}pools[0].taints[0].effect: the string "noschedule" is not a TaintEffect` },
  { name: "a taint without an effect", run: cluster({ pools: [{ name: "a", taints: [{ key: "gpu" }] }] }), message: `${C}pools[0].taints[0].effect: the value is missing` },
  { name: "a taint without a key", run: cluster({ pools: [{ name: "a", taints: [{ effect: "NoSchedule" }] }] }), message: `${C}pools[0].taints[0].key: the value is missing` },
  { name: "a taint with an unknown option", run: cluster({ pools: [{ name: "a", taints: [{ key: "gpu", effect: "NoSchedule", operator: "Exists" }] }] }), message: `${C}pools[0].taints[0].operator: no such option` },
  { name: "spot as a string", run: cluster({ pools: [{ name: "a", spot: "true" }] }), message: `${C}pools[0].spot: got the string "true", not true or false` },
  { name: "spot as a number", run: cluster({ pools: [{ name: "a", spot: 1 }] }), message: `${C}pools[0].spot: got the number 1, not true or false` },
  { name: "a pool architecture arm", run: cluster({ pools: [{ name: "a", architecture: "arm" }] }), message: `${C}pools[0].architecture: the string "arm" is not a Architecture` },
  { name: "a misspelt pool option", run: cluster({ pools: [{ name: "a", nodenames: ["x"] }] }), message: `${C}pools[0].nodenames: no such option. Fix: did you mean \`nodeNames\`?` },
  { name: "a pool disk as a boolean", run: cluster({ pools: [{ name: "a", diskGib: true }] }), message: `${C}pools[0].diskGib: got true, not a number` },
  { name: "kubernetes as true", run: cluster({ kubernetes: true }), message: `${C}kubernetes: got true, not an object` },
  { name: "a k3s version as a number", run: cluster({ kubernetes: { k3sVersion: 1.31 } }), message: `${C}kubernetes.k3sVersion: got the number 1.31, not a string` },
  { name: "a token as a string", run: cluster({ kubernetes: { token: "s3cret" } }), message: `${C}kubernetes.token: got the string "s3cret", not a ClusterToken` },
  { name: "a token as an object", run: cluster({ kubernetes: { token: { value: "x" } } }), message: `${C}kubernetes.token: got an object, not a ClusterToken` },
  { name: "disable as a string", run: cluster({ kubernetes: { disable: "traefik" } }), message: `${C}kubernetes.disable: got the string "traefik", not a list` },
  { name: "a disabled component in capitals", run: cluster({ kubernetes: { disable: ["Traefik"] } }), message: `${C}kubernetes.disable[0]: the string "Traefik" is not a K3sComponent` },
  { name: "a disabled component that k3s does not package", run: cluster({ kubernetes: { disable: ["flannel"] } }), message: `${C}kubernetes.disable[0]: the string "flannel" is not a K3sComponent` },
  { name: "a component disabled twice", run: cluster({ kubernetes: { disable: ["traefik", "traefik"] } }), message: `${C}kubernetes.disable[1]: the string "traefik" is listed twice` },
  { name: "server args as a string", run: cluster({ kubernetes: { serverArgs: "--flannel-backend=none" } }), message: `${C}kubernetes.serverArgs: got the string "--flannel-backend=none", not a list` },
  { name: "a server arg with a line break", run: cluster({ kubernetes: { serverArgs: ["--a=b\n--c"] } }), message: `${C}kubernetes.serverArgs[0]: the string "--a=b\\n--c" holds a line break` },
  { name: "an agent arg as a number", run: cluster({ kubernetes: { agentArgs: [5] } }), message: `${C}kubernetes.agentArgs[0]: got the number 5, not a string` },
  { name: "a misspelt kubernetes option", run: cluster({ kubernetes: { k3sversion: "v1.36.4+k3s1" } }), message: `${C}kubernetes.k3sversion: no such option. Fix: did you mean \`k3sVersion\`?` },
  { name: "ssh keys as a string", run: cluster({ sshKeys: KEY }), message: `${C}sshKeys: got the string "ssh-ed25519 AAAAC3NzaC1lZDI1N...", not a list` },
  { name: "an ssh key that is a private key", run: cluster({ sshKeys: ["-----BEGIN OPENSSH PRIVATE KEY-----"] }), message: `${C}sshKeys[0]:` },
  { name: "an ssh key of an unknown type", run: cluster({ sshKeys: ["ssh-foo AAAA"] }), message: /sshKeys\[0\]: .*unknown key type/ },
  { name: "an ssh key over two lines", run: cluster({ sshKeys: [`${KEY}\n${KEY}`] }), message: `${C}sshKeys[0]: the ssh key spans several lines` },
  { name: "an ssh key given twice", run: cluster({ sshKeys: [KEY, KEY] }), message: `${C}sshKeys[1]: the string "ssh-ed25519 AAAAC3NzaC1lZDI1N..." is listed twice` },
  { name: "an empty ssh key", run: cluster({ sshKeys: [""] }), message: `${C}sshKeys[0]:` },
  { name: "access as a list", run: cluster({ access: ["0.0.0.0/0"] }), message: `${C}access: got a list, not an object` },
  { name: "api CIDRs as a string", run: cluster({ access: { apiCidrs: "0.0.0.0/0" } }), message: `${C}access.apiCidrs: got the string "0.0.0.0/0", not a list` },
  { name: "an api CIDR without a prefix", run: cluster({ access: { apiCidrs: ["203.0.113.7"] } }), message: `${C}access.apiCidrs[0]: "203.0.113.7" is not an IPv4 CIDR block` },
  { name: "an api CIDR with host bits", run: cluster({ access: { apiCidrs: ["203.0.113.7/24"] } }), message: `${C}access.apiCidrs[0]: "203.0.113.7/24" has host bits set` },
  { name: "an ssh CIDR that is IPv6", run: cluster({ access: { sshCidrs: ["2001:db8::/32"] } }), message: `${C}access.sshCidrs[0]: "2001:db8::/32" is IPv6` },
  { name: "an ssh CIDR given twice", run: cluster({ access: { sshCidrs: ["10.0.0.0/8", "10.0.0.0/8"] } }), message: `${C}access.sshCidrs[1]: the string "10.0.0.0/8" is listed twice` },
  { name: "a misspelt access option", run: cluster({ access: { apiCidr: ["10.0.0.0/8"] } }), message: `${C}access.apiCidr: no such option. Fix: did you mean \`apiCidrs\`?` },
];

const VPC = { cidr: "10.0.0.0/16", zones: 2 };
const newVpc = (over: Record<string, unknown>) => () => AwsPlatform.newVpc({ ...VPC, ...over } as never);
const EXISTING = { vpcId: "vpc-0123456789abcdef0", vpcCidr: "10.1.0.0/16", privateSubnets: [{ id: "subnet-0123456789abcdef0", cidr: "10.1.8.0/24" }] };
const existingVpc = (over: Record<string, unknown>) => () => AwsPlatform.existingVpc({ ...EXISTING, ...over } as never);
const N = "AwsPlatform.newVpc: ";
const E = "AwsPlatform.existingVpc: ";

const awsCases: Refusal[] = [
  { name: "newVpc props that are not an object", run: () => AwsPlatform.newVpc(undefined as never), message: `${N}props: got nothing, not an object` },
  { name: "a VPC without a CIDR", run: newVpc({ cidr: undefined }), message: `${N}cidr: the value is missing` },
  { name: "a VPC CIDR as a number", run: newVpc({ cidr: 10 }), message: `${N}cidr: got the number 10, not a string` },
  { name: "a VPC CIDR that is an address", run: newVpc({ cidr: "10.0.0.1" }), message: `${N}cidr: "10.0.0.1" is not an IPv4 CIDR block` },
  { name: "a VPC CIDR with host bits", run: newVpc({ cidr: "10.0.3.0/16" }), message: `${N}cidr: "10.0.3.0/16" has host bits set` },
  { name: "zones as a string", run: newVpc({ zones: "eu-central-1a" }), message: `${N}zones: got the string "eu-central-1a", not a list` },
  { name: "a zone as a number", run: newVpc({ zones: [1] }), message: `${N}zones[0]: got the number 1, not a string` },
  { name: "a NAT gateway setting in capitals", run: newVpc({ natGateways: "SINGLE" }), message: `${N}natGateways: the string "SINGLE" is not a NatGateways` },
  { name: "a NAT gateway setting as a boolean", run: newVpc({ natGateways: true }), message: `${N}natGateways: true is not a NatGateways` },
  { name: "a controller replacement policy in capitals", run: newVpc({ controllerReplacement: "REPLACE" }), message: `${N}controllerReplacement: the string "REPLACE" is not a ReplacementPolicy. Fix: use ReplacementPolicy.REPLACE ("replace"), ReplacementPolicy.KEEP ("keep")` },
  { name: "a controller replacement policy as true", run: newVpc({ controllerReplacement: true }), message: `${N}controllerReplacement: true is not a ReplacementPolicy` },
  { name: "a controller replacement policy 'Replace'", run: newVpc({ controllerReplacement: "Replace" }), message: `${N}controllerReplacement: the string "Replace" is not a ReplacementPolicy` },
  { name: "a worker placement in another spelling", run: newVpc({ workerPlacement: "instance" }), message: `${N}workerPlacement: the string "instance" is not a WorkerPlacement` },
  { name: "a load balancer scheme 'public'", run: newVpc({ loadBalancerScheme: "public" }), message: `${N}loadBalancerScheme: the string "public" is not a LoadBalancerScheme` },
  { name: "a root volume type 'ssd'", run: newVpc({ rootVolumeType: "ssd" }), message: `${N}rootVolumeType: the string "ssd" is not a RootVolumeType` },
  { name: "a key pair name with a line break", run: newVpc({ keyName: "ops\nkey" }), message: `${N}keyName: the string "ops\\nkey" holds a line break` },
  { name: "a key pair name with non-ASCII letters", run: newVpc({ keyName: "schlüssel" }), message: `${N}keyName: the string "schlüssel" is not an EC2 key pair name` },
  { name: "a key pair name with a trailing space", run: newVpc({ keyName: "ops " }), message: `${N}keyName: the string "ops " is not an EC2 key pair name` },
  { name: "a key pair name of 256 characters", run: newVpc({ keyName: "k".repeat(256) }), message: `${N}keyName: the string "kkkkkkkkkkkkkkkkkkkkkkkkkkkkk..." is not an EC2 key pair name` },
  { name: "a key pair name as a number", run: newVpc({ keyName: 42 }), message: `${N}keyName: got the number 42, not a string` },
  { name: "a user data limit as a string", run: newVpc({ userDataLimit: "16k" }), message: `${N}userDataLimit: got the string "16k", not a number` },
  { name: "an image policy as a string", run: newVpc({ imagePolicy: "newest" }), message: `${N}imagePolicy: got the string "newest", not a AwsImagePolicy` },
  { name: "a default amd64 instance type that is arm64", run: newVpc({ defaultInstanceTypes: { amd64: "t4g.medium" } }), message: `${N}defaultInstanceTypes.amd64: instance type t4g.medium is arm64, not amd64` },
  { name: "a default arm64 instance type that is amd64", run: newVpc({ defaultInstanceTypes: { arm64: "m5.large" } }), message: `${N}defaultInstanceTypes.arm64: instance type m5.large is amd64, not arm64` },
  { name: "a misspelt default instance type", run: newVpc({ defaultInstanceTypes: { amd64: "t3.meduim" } }), message: `${N}defaultInstanceTypes.amd64: "t3.meduim" is not an EC2 instance type (family t3 has no size meduim)` },
  { name: "default instance types under x86_64", run: newVpc({ defaultInstanceTypes: { x86_64: "t3.medium" } }), message: `${N}defaultInstanceTypes.x86_64: no such option` },
  { name: "a disk size as a string", run: newVpc({ diskGib: "30" }), message: `${N}diskGib: got the string "30", not a number` },
  { name: "a KMS key that is a name", run: newVpc({ ebsKmsKeyId: "my-key" }), message: `${N}ebsKmsKeyId: the string "my-key" is not a KMS key id, alias or ARN` },
  { name: "a KMS key ARN of another service", run: newVpc({ ebsKmsKeyId: "arn:aws:s3:::bucket" }), message: `${N}ebsKmsKeyId: the string "arn:aws:s3:::bucket" is not a KMS key id, alias or ARN` },
  { name: "a relative root device name", run: newVpc({ rootDeviceName: "xvda" }), message: `${N}rootDeviceName: the string "xvda" is not an absolute EC2 device path` },
  { name: "a root device that climbs out of /dev", run: newVpc({ rootDeviceName: "/dev/../etc/passwd" }), message: `${N}rootDeviceName: the string "/dev/../etc/passwd" is not an absolute EC2 device path` },
  { name: "tags as a list", run: newVpc({ tags: ["team=a"] }), message: `${N}tags: got a list, not a map of names to values` },
  { name: "a tag value as a number", run: newVpc({ tags: { cost: 5 } }), message: `${N}tags[cost]: got the number 5, not a string` },
  { name: "a tag key with the reserved aws: prefix", run: newVpc({ tags: { "aws:team": "a" } }), message: `${N}tags[aws:team]: the string "aws:team" starts with the reserved prefix aws:` },
  { name: "a tag key of 129 characters", run: newVpc({ tags: { ["t".repeat(129)]: "a" } }), message: /tags\[t+\]: the string "t+\.\.\." is 129 characters, more than 128/ },
  { name: "a tag value of 257 characters", run: newVpc({ tags: { team: "v".repeat(257) } }), message: `${N}tags[team]: the string "vvvvvvvvvvvvvvvvvvvvvvvvvvvvv..." is 257 characters, more than 256` },
  { name: "a misspelt platform option", run: newVpc({ natGateway: "single" }), message: `${N}natGateway: no such option. Fix: did you mean \`natGateways\`?` },
  { name: "existingVpc props that are a string", run: () => AwsPlatform.existingVpc("vpc-1" as never), message: `${E}props: got the string "vpc-1", not an object` },
  { name: "an existing VPC without an id", run: existingVpc({ vpcId: undefined }), message: `${E}vpcId: the value is missing` },
  { name: "an existing VPC CIDR with host bits", run: existingVpc({ vpcCidr: "10.1.2.0/16" }), message: `${E}vpcCidr: "10.1.2.0/16" has host bits set` },
  { name: "private subnets as an object", run: existingVpc({ privateSubnets: { id: "subnet-1" } }), message: `${E}privateSubnets: got an object, not a list` },
  { name: "a private subnet given as its id only", run: existingVpc({ privateSubnets: ["subnet-0123456789abcdef0"] }), message: `${E}privateSubnets[0]: got the string "subnet-0123456789abcdef0", not an object` },
  { name: "a private subnet without a CIDR", run: existingVpc({ privateSubnets: [{ id: "subnet-0123456789abcdef0" }] }), message: `${E}privateSubnets[0].cidr: the value is missing` },
  { name: "a private subnet outside the VPC", run: existingVpc({ privateSubnets: [{ id: "subnet-0123456789abcdef0", cidr: "10.2.0.0/24" }] }), message: `${E}privateSubnets[0].cidr: 10.2.0.0/24 is outside the VPC 10.1.0.0/16` },
  { name: "a private subnet larger than the VPC", run: existingVpc({ vpcCidr: "10.1.0.0/24", privateSubnets: [{ id: "subnet-0123456789abcdef0", cidr: "10.1.0.0/16" }] }), message: `${E}privateSubnets[0].cidr: 10.1.0.0/16 is outside the VPC 10.1.0.0/24` },
  { name: "a private subnet smaller than /28", run: existingVpc({ privateSubnets: [{ id: "subnet-0123456789abcdef0", cidr: "10.1.0.0/29" }] }), message: `${E}privateSubnets[0].cidr: a /29 is not an EC2 subnet size` },
  { name: "a private subnet listed twice", run: existingVpc({ privateSubnets: [{ id: "subnet-0123456789abcdef0", cidr: "10.1.8.0/24" }, { id: "subnet-0123456789abcdef0", cidr: "10.1.9.0/24" }] }), message: `${E}privateSubnets[1].id: subnet subnet-0123456789abcdef0 is listed twice (also privateSubnets[0])` },
  { name: "two private subnets that overlap", run: existingVpc({ privateSubnets: [{ id: "subnet-0123456789abcdef0", cidr: "10.1.8.0/22" }, { id: "subnet-0123456789abcdef1", cidr: "10.1.9.0/24" }] }), message: `${E}privateSubnets[1].cidr: 10.1.9.0/24 overlaps privateSubnets[0] (10.1.8.0/22)` },
  { name: "a public subnet id listed twice", run: existingVpc({ publicSubnetIds: ["subnet-0123456789abcdef2", "subnet-0123456789abcdef2"] }), message: `${E}publicSubnetIds[1]: the string "subnet-0123456789abcdef2" is listed twice` },
  { name: "an unknown existingVpc option", run: existingVpc({ subnets: [] }), message: `${E}subnets: no such option` },
];

const L = "LibvirtPlatform.local: ";
const local = (over: Record<string, unknown>) => () => LibvirtPlatform.local(over as never);
const libvirtCases: Refusal[] = [
  { name: "libvirt props that are a string", run: () => LibvirtPlatform.local("qemu:///system" as never), message: `${L}props: got the string "qemu:///system", not an object` },
  { name: "a libvirt URI without a scheme", run: local({ uri: "/var/run/libvirt/libvirt-sock" }), message: `${L}uri: the string "/var/run/libvirt/libvirt-sock" is not a libvirt URI of the form driver[+transport]://[user@][host][:port]/path` },
  { name: "a libvirt URI with an unknown driver", run: local({ uri: "kvm:///system" }), message: `${L}uri: the string "kvm:///system" names no libvirt driver (kvm)` },
  { name: "a libvirt URI with an unknown transport", run: local({ uri: "qemu+http://host/system" }), message: `${L}uri: the string "qemu+http://host/system" is not a libvirt URI` },
  { name: "a QEMU URI without /system or /session", run: local({ uri: "qemu:///" }), message: `${L}uri: the string "qemu:///" has the path /, but QEMU connections are /system, /session or /embed` },
  { name: "a QEMU URI with a misspelt path", run: local({ uri: "qemu+ssh://root@host/sytem" }), message: `${L}uri: the string "qemu+ssh://root@host/sytem" has the path /sytem` },
  { name: "a libvirt URI with a port above 65535", run: local({ uri: "qemu+tcp://host:70000/system" }), message: `${L}uri: the string "qemu+tcp://host:70000/system" has a port above 65535` },
  { name: "a libvirt URI with a space", run: local({ uri: "qemu:///system extra" }), message: `${L}uri: the string "qemu:///system extra" is not a libvirt URI` },
  { name: "a libvirt URI as a number", run: local({ uri: 1 }), message: `${L}uri: got the number 1, not a string` },
  { name: "a libvirt network CIDR with host bits", run: local({ cidr: "10.17.3.1/24" }), message: `${L}cidr: "10.17.3.1/24" has host bits set` },
  { name: "a libvirt domain with capitals", run: local({ domain: "Lab.Internal" }), message: `${L}domain: the string "Lab.Internal" is not a lower-case DNS domain` },
  { name: "a libvirt avoid CIDR as a string", run: local({ avoidCidrs: "10.42.0.0/16" }), message: `${L}avoidCidrs: got the string "10.42.0.0/16", not a list` },
  { name: "a fixed address that is not an address", run: local({ addresses: { "demo-controller-0": "10.17.3" } }), message: `${L}addresses[demo-controller-0]: the string "10.17.3" is not an IPv4 address` },
  { name: "fixed addresses as a list", run: local({ addresses: ["10.17.3.20"] }), message: `${L}addresses: got a list, not a map of names to values` },
  { name: "a relative pool path", run: local({ poolPath: "images/demo" }), message: `${L}poolPath: the string "images/demo" is not an absolute path` },
  { name: "a pool path that climbs out", run: local({ poolPath: "/var/lib/libvirt/../../etc" }), message: `${L}poolPath: the string "/var/lib/libvirt/../../etc" has .. segments` },
  { name: "a relative UEFI firmware path", run: local({ uefiFirmware: "OVMF_CODE.fd" }), message: `${L}uefiFirmware: the string "OVMF_CODE.fd" is not an absolute path` },
  { name: "a relative UEFI vars template", run: local({ uefiVarsTemplate: "vars.fd" }), message: `${L}uefiVarsTemplate: the string "vars.fd" is not an absolute path` },
  { name: "a libvirt controller replacement in capitals", run: local({ controllerReplacement: "REPLACE" }), message: `${L}controllerReplacement: the string "REPLACE" is not a ReplacementPolicy` },
  { name: "a libvirt worker replacement as false", run: local({ workerReplacement: false }), message: `${L}workerReplacement: false is not a ReplacementPolicy` },
  { name: "shared worker configs as a string", run: local({ shareWorkerConfigs: "yes" }), message: `${L}shareWorkerConfigs: got the string "yes", not true or false` },
  { name: "a libvirt size as a number", run: local({ size: 2 }), message: `${L}size: got the number 2, not a string` },
  { name: "a libvirt first host offset as a string", run: local({ firstHostOffset: "10" }), message: `${L}firstHostOffset: got the string "10", not a number` },
  { name: "an AWS option on libvirt", run: local({ keyName: "ops" }), message: `${L}keyName: no such option` },
  { name: "a misspelt libvirt option", run: local({ poolname: "x" }), message: `${L}poolname: no such option. Fix: did you mean \`poolName\`?` },
];

const tokenCases: Refusal[] = [
  { name: "a random token of 8 characters", run: () => ClusterToken.random({ length: 8 }), message: "ClusterToken.random: length: 8 is outside 16 to 1024" },
  { name: "a random token length as a string", run: () => ClusterToken.random({ length: "48" } as never), message: 'ClusterToken.random: length: got the string "48", not a whole number' },
  { name: "a random token of 1.5 characters", run: () => ClusterToken.random({ length: 1.5 } as never), message: "ClusterToken.random: length: got the number 1.5, not a whole number" },
  { name: "a random token length of 2000", run: () => ClusterToken.random({ length: 2000 }), message: "ClusterToken.random: length: 2000 is outside 16 to 1024" },
  { name: "a misspelt random token option", run: () => ClusterToken.random({ lenght: 48 } as never), message: "ClusterToken.random: lenght: no such option. Fix: did you mean `length`?" },
  { name: "a token variable name with a dot", run: () => ClusterToken.fromVariable({ name: "k3s.token" }), message: 'ClusterToken.fromVariable: name: the string "k3s.token" is not a Terraform variable name' },
  { name: "a token variable name starting with a digit", run: () => ClusterToken.fromVariable({ name: "1token" }), message: 'ClusterToken.fromVariable: name: the string "1token" is not a Terraform variable name' },
  { name: "a token variable named count", run: () => ClusterToken.fromVariable({ name: "count" }), message: 'ClusterToken.fromVariable: name: the string "count" is a name Terraform reserves' },
  { name: "a token variable named locals", run: () => ClusterToken.fromVariable({ name: "locals" }), message: 'ClusterToken.fromVariable: name: the string "locals" is a name Terraform reserves' },
  { name: "an empty token variable name", run: () => ClusterToken.fromVariable({ name: "" }), message: "ClusterToken.fromVariable: name: the string is empty" },
  { name: "a secret value that is a number", run: () => ClusterToken.fromSecretValue(42 as never), message: "ClusterToken.fromSecretValue: value: got the number 42, not a string" },
  { name: "an empty secret value", run: () => ClusterToken.fromSecretValue(""), message: "ClusterToken.fromSecretValue: value: the string is empty" },
];

const osCases: Refusal[] = [
  { name: "Flatcar props that are a string", run: () => Flatcar.channel(FlatcarChannel.STABLE, "k3s" as never), message: 'Flatcar: props: got the string "k3s", not an object' },
  { name: "a misspelt Flatcar option", run: () => Flatcar.channel(FlatcarChannel.STABLE, { timeZone: "UTC" } as never), message: "Flatcar: timeZone: no such option. Fix: did you mean `timezone`?" },
  { name: "Flatcar NTP servers as a string", run: () => Flatcar.channel(FlatcarChannel.STABLE, { ntpServers: "pool.ntp.org" } as never), message: 'Flatcar: ntpServers: got the string "pool.ntp.org", not a list' },
  { name: "a Flatcar NTP server given twice", run: () => Flatcar.channel(FlatcarChannel.STABLE, { ntpServers: ["a.example", "a.example"] }), message: 'Flatcar: ntpServers[1]: the string "a.example" is listed twice' },
  { name: "a Flatcar timezone as a number", run: () => Flatcar.release(FlatcarChannel.STABLE, "4081.2.0", { timezone: 1 } as never), message: "Flatcar: timezone: got the number 1, not a string" },
  { name: "a Flatcar timezone with a line break", run: () => Flatcar.channel(FlatcarChannel.STABLE, { timezone: "UTC\n" }), message: 'Flatcar: timezone: the string "UTC\\n" holds a line break' },
  { name: "a misspelt sysext digest option", run: () => K3sFlatcarInstall.sysext({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32) }, sha265: {} } as never), message: "K3sFlatcarInstall.sysext: sha265: no such option. Fix: did you mean `sha256`?" },
  { name: "a binary install base URL as a number", run: () => K3sFlatcarInstall.binary({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32) }, baseUrl: 443 } as never), message: "K3sFlatcarInstall.binary: baseUrl: got the number 443, not a string" },
  { name: "a misspelt binary install option", run: () => K3sFlatcarInstall.binary({ version: "v1.36.4+k3s1", sha256: { amd64: "ab".repeat(32) }, baseURL: "https://m" } as never), message: "K3sFlatcarInstall.binary: baseURL: no such option. Fix: did you mean `baseUrl`?" },
  { name: "a misspelt Ignition builder option", run: () => new IgnitionConfig({ verison: "3.4.0" } as never), message: "ignition: verison: no such option. Fix: did you mean `version`?" },
  { name: "Ignition builder options that are a list", run: () => new IgnitionConfig([] as never), message: "ignition: props: got a list, not an object" },
  { name: "a k3OS tag as a number", run: () => K3os.release(22 as never), message: "K3os: tag: got the number 22, not a string" },
  { name: "k3OS props that are a list", run: () => K3os.release(undefined, [] as never), message: "K3os: props: got a list, not an object" },
  { name: "a k3OS delivery in capitals", run: () => K3os.release(undefined, { delivery: "USER_DATA" } as never), message: 'K3os: delivery: the string "USER_DATA" is not a K3osDelivery' },
  { name: "k3OS AMIs as a string", run: () => K3os.release(undefined, { amis: "ami-0123456789abcdef0" } as never), message: 'K3os: amis: got the string "ami-0123456789abcdef0", not an object' },
  { name: "a k3OS AMI under x86_64", run: () => K3os.release(undefined, { amis: { x86_64: "ami-0123456789abcdef0" } } as never), message: "K3os: amis.x86_64: no such option" },
  { name: "a misspelt k3OS option", run: () => K3os.release(undefined, { amii: {} } as never), message: "K3os: amii: no such option. Fix: did you mean `amis`?" },
];

describe("Cluster props", () => refusals(clusterCases));
describe("AWS platform props", () => refusals(awsCases));
describe("libvirt platform props", () => refusals(libvirtCases));
describe("ClusterToken props", () => refusals(tokenCases));
describe("OS props", () => refusals(osCases));

/** How many distinct bad inputs this file feeds in (reported in docs/refusals.md). */
export const PROPS_REFUSALS = clusterCases.length + awsCases.length + libvirtCases.length + tokenCases.length + osCases.length;
