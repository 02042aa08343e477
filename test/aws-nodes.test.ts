import { afterAll, describe, expect, test } from "vitest";
import { Architecture, NodeRole } from "../lib/core/node";
import { AwsImagePolicy, AwsPlatform, WorkerPlacement } from "../lib/platform/aws";
import { amiId, bindOnly, buildCluster, controllers, flatcarConfig, flatcarLookup, requestFor, resourcesOf, workers } from "./fixtures/aws/cluster";
import { existing, k3os, lookup, opened, standard } from "./fixtures/aws/scenarios";
import { checkRecordedStacks, recordStack, tallyLine } from "./fixtures/aws/terraform";
import { type TerraformStack, Testing } from "../lib/cdktf";

const ONE_ZONE = () => AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"] });

function instances(json: ReturnType<typeof standard.build>["json"]): Record<string, Record<string, unknown>> {
  return resourcesOf(json, "aws_instance");
}

describe("controllers", () => {
  test("controllers get fixed addresses spread over the zones' private subnets", () => {
    const { binding } = standard.build();
    expect(["controller-0", "controller-1", "controller-2"].map((n) => binding.addressOf(n))).toEqual(["10.0.128.10", "10.0.144.10", "10.0.160.10"]);
  });

  test("a fourth controller in three zones takes the next address of the first zone", () => {
    const { binding } = buildCluster(AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"] }), controllers(4));
    expect(binding.addressOf("controller-3")).toBe("10.0.128.11");
  });

  test("worker pools do not move controller addresses", () => {
    const without = buildCluster(ONE_ZONE(), controllers(2)).binding;
    const withPools = buildCluster(ONE_ZONE(), [...workers("a", 5), ...controllers(2), ...workers("b", 2)]).binding;
    expect(withPools.addressOf("controller-1")).toBe(without.addressOf("controller-1"));
  });

  test("the instance uses the fixed address", () => {
    const ips = Object.values(instances(standard.build().json)).map((i) => i.private_ip);
    expect(ips).toEqual(["10.0.128.10", "10.0.144.10", "10.0.160.10"]);
  });

  test("controllers ignore AMI and user data changes by default", () => {
    for (const i of Object.values(instances(standard.build().json))) {
      expect(i.lifecycle).toEqual({ ignore_changes: ["ami", "user_data"] });
    }
  });

  test("controllerReplacement REPLACE lets a changed config or AMI replace a controller", () => {
    for (const i of Object.values(instances(opened.build().json))) expect(i.lifecycle).toBeUndefined();
  });

  test("instance addresses derive from node names", () => {
    const names = Object.keys(instances(standard.build().json));
    expect(names.every((n) => /aws-platform_nodes_controller-\d_machine_/.test(n))).toBe(true);
  });

  test("controllers are registered with the API load balancer", () => {
    const targets = Object.values(resourcesOf(standard.build().json, "aws_lb_target_group_attachment"));
    expect(targets).toHaveLength(3);
    expect(targets.every((t) => t.port === 6443)).toBe(true);
  });

  test("a spot controller is refused", () => {
    expect(() => buildCluster(ONE_ZONE(), controllers(1, { spot: true }))).toThrow(
      "test/aws-platform/nodes/controller-0: spot: controllers hold etcd and must not be reclaimed by EC2. Fix: run controllers on on-demand capacity; use spot for worker pools",
    );
  });
});

describe("security defaults on machines", () => {
  test("instances require IMDSv2 with a hop limit of 1", () => {
    for (const i of Object.values(instances(standard.build().json))) {
      expect(i.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
    }
  });

  test("launch templates require IMDSv2", () => {
    for (const lt of Object.values(resourcesOf(standard.build().json, "aws_launch_template"))) {
      expect(lt.metadata_options).toMatchObject({ http_tokens: "required" });
    }
  });

  test("instance root volumes are encrypted gp3", () => {
    for (const i of Object.values(instances(standard.build().json))) {
      expect(i.root_block_device).toMatchObject({ encrypted: true, volume_type: "gp3", volume_size: 30 });
    }
  });

  test("launch template root volumes are encrypted", () => {
    for (const lt of Object.values(resourcesOf(opened.build().json, "aws_launch_template"))) {
      expect(lt.block_device_mappings).toEqual([
        expect.objectContaining({ device_name: "/dev/xvda", ebs: expect.objectContaining({ encrypted: "true", volume_size: 80, volume_type: "gp3" }) }),
      ]);
    }
  });

  test("a node's role may read its own config object in S3 and nothing else", () => {
    const { json } = standard.build();
    const policies = Object.values(resourcesOf(json, "aws_iam_role_policy")).map((p) => JSON.parse(String(p.policy)));
    expect(Object.keys(resourcesOf(json, "aws_iam_role"))).toHaveLength(4);
    expect(policies).toHaveLength(4);
    for (const p of policies) {
      expect(p.Statement).toEqual([{ Effect: "Allow", Action: "s3:GetObject", Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.[^}]+\.arn\}\/(nodes|pools)\/[a-z0-9-]+\.ign$/) }]);
    }
  });

  test("a node whose config travels in user data (k3OS) has no policy", () => {
    expect(resourcesOf(k3os.build().json, "aws_iam_role_policy")).toEqual({});
  });

  test("the cluster tag and user tags are on every instance", () => {
    for (const i of Object.values(instances(opened.build().json))) {
      expect(i.tags).toMatchObject({ team: "platform", "kubernetes.io/cluster/demo": "owned" });
    }
  });
});

describe("worker pools", () => {
  test("a pool is one launch template and one autoscaling group sized to its nodes", () => {
    const { json } = standard.build();
    const groups = Object.values(resourcesOf(json, "aws_autoscaling_group"));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ name: "demo-general", min_size: 3, max_size: 3, desired_capacity: 3 });
    expect(Object.keys(resourcesOf(json, "aws_launch_template"))).toHaveLength(1);
  });

  test("a pool rolls through an instance refresh", () => {
    const group = Object.values(resourcesOf(standard.build().json, "aws_autoscaling_group"))[0];
    expect(group.instance_refresh).toEqual({ strategy: "Rolling", preferences: { min_healthy_percentage: 66 } });
  });

  test("launch templates ignore later image changes under the default policy", () => {
    const lt = Object.values(resourcesOf(standard.build().json, "aws_launch_template"))[0];
    expect(lt.lifecycle).toEqual({ ignore_changes: ["image_id"] });
  });

  test("a pinned image policy lets a new AMI roll the pool", () => {
    const lt = Object.values(resourcesOf(opened.build().json, "aws_launch_template"))[0];
    expect(lt.lifecycle).toBeUndefined();
    expect(lt.image_id).toBe("ami-0fedcba9876543210");
  });

  test("a spot pool asks for spot capacity in its launch template", () => {
    const lt = Object.values(resourcesOf(opened.build().json, "aws_launch_template"))[0];
    expect(lt.instance_market_options).toEqual({ market_type: "spot" });
  });

  test("launch template user data is the base64 of the stub that fetches the pool's config", () => {
    const { json } = buildCluster(ONE_ZONE(), [...controllers(1), ...workers("general", 2)]);
    const lt = Object.values(resourcesOf(json, "aws_launch_template"))[0];
    // The stub names the bucket, an apply-time value: Terraform base64-encodes it from a local.
    const local = /^\$\{base64encode\(local\.([^)]+)\)\}$/.exec(String(lt.user_data));
    expect(local).not.toBeNull();
    const stub = JSON.parse(String((json.locals as Record<string, string>)[local![1]]));
    expect(stub.ignition.config.replace.source).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.[^}]+\.bucket\}\/pools\/general\.ign$/);
    const object = Object.values(resourcesOf(json, "aws_s3_object")).find((o) => o.key === "pools/general.ign")!;
    expect(object.content).toBe(flatcarConfig(undefined).content);
  });

  test("nodes of one pool with different configs are refused", () => {
    const nodes = workers("general", 2, { config: ({ spec }) => flatcarConfig(spec.name) });
    expect(() => buildCluster(ONE_ZONE(), [...controllers(1), ...nodes])).toThrow(
      'test/aws-platform/pools/general: general-1.config: nodes of pool "general" have different configs, but a pool\'s machines all boot one launch template. Fix: render one config per pool (no node name or address in it; EC2 names the host), or use workerPlacement: WorkerPlacement.INSTANCES',
    );
  });

  test("nodes of one pool with different sizes are refused", () => {
    const nodes = [...workers("general", 1), ...workers("general", 2, { size: "t3.large" }).slice(1)];
    expect(() => buildCluster(ONE_ZONE(), [...controllers(1), ...nodes])).toThrow('general-1: nodes of pool "general" differ in size, spot, disk or image');
  });

  test("WorkerPlacement.INSTANCES gives each worker its own instance and config", () => {
    const { json } = k3os.build();
    expect(Object.keys(instances(json))).toHaveLength(3);
    expect(resourcesOf(json, "aws_autoscaling_group")).toEqual({});
  });

  test("a worker has no fixed address, only a placeholder that says so", () => {
    const { binding } = standard.build();
    expect(binding.addressOf("general-0")).toBe("(general-0: address assigned at launch)");
    expect(binding.hasFixedAddress("general-0")).toBe(false);
    expect(binding.hasFixedAddress("controller-0")).toBe(true);
  });

  test("autoscaling pools tell the cluster that a pool shares one config", () => {
    expect(standard.build().binding.poolsShareConfig).toBe(true);
    expect(k3os.build().binding.poolsShareConfig).toBe(false);
  });

  test("a request without a size gets the default instance type of its architecture", () => {
    const { binding, specs } = bindOnly(ONE_ZONE(), [...controllers(1), ...workers("arm", 1, { architecture: Architecture.ARM64 })]);
    binding.addMachines([
      { ...requestFor(specs[0], flatcarConfig("controller-0"), amiId()), size: "" },
      { ...requestFor(specs[1], flatcarConfig(undefined), amiId(Architecture.ARM64)), size: "" },
    ]);
    const json = JSON.parse(Testing.synth(binding.node.scope as TerraformStack));
    recordStack(json, binding.largestUserDataBytes);
    expect(Object.values(resourcesOf(json, "aws_instance"))[0].instance_type).toBe("t3.medium");
    expect(Object.values(resourcesOf(json, "aws_launch_template"))[0].instance_type).toBe("t4g.medium");
  });

  test("a disk smaller than the OS's minimum is refused", () => {
    const { binding, specs } = bindOnly(ONE_ZONE(), controllers(1));
    const request = { ...requestFor(specs[0], flatcarConfig("controller-0"), amiId()), size: "t3.medium", diskGib: 4 };
    expect(() => binding.addMachines([request])).toThrow("test/aws-platform/nodes/controller-0: diskGib: 4 GiB is less than the 8 GiB the OS needs. Fix: give at least 8 GiB");
  });

  test("an unknown node has no address", () => {
    expect(() => standard.build().binding.addressOf("nobody")).toThrow("addressOf(nobody): no such node was given to bind()");
  });

  test("machine infos name each node with its address or group", () => {
    const { machines } = standard.build();
    expect(machines.map((m) => m.name)).toEqual(["controller-0", "controller-1", "controller-2", "general-0", "general-1", "general-2"]);
    expect(machines[0]).toMatchObject({ address: "10.0.128.10", sshCommand: "ssh core@10.0.128.10" });
    expect(machines[3].address).toBe("(a machine of autoscaling group demo-general)");
  });
});

describe("images", () => {
  test("an AMI lookup filters by owner, name, architecture and hvm, newest first", () => {
    const data = lookup.build().json.data?.aws_ami ?? {};
    const amd = Object.values(data).find((d) => JSON.stringify(d).includes("x86_64"));
    expect(amd).toEqual({
      owners: ["075585003325"],
      most_recent: true,
      filter: [
        { name: "name", values: ["Flatcar-stable-*"] },
        { name: "architecture", values: ["x86_64"] },
        { name: "virtualization-type", values: ["hvm"] },
      ],
    });
  });

  test("one lookup serves every node of the same image", () => {
    expect(Object.keys(lookup.build().json.data?.aws_ami ?? {})).toHaveLength(2);
  });

  test("a pool's launch template takes the looked-up image's root device", () => {
    const lt = Object.values(resourcesOf(lookup.build().json, "aws_launch_template"))[0];
    expect(String((lt.block_device_mappings as { device_name: string }[])[0].device_name)).toMatch(/^\$\{data\.aws_ami\..*\.root_device_name\}$/);
  });

  test("a fixed AMI id is used as it is", () => {
    expect(Object.values(instances(existing.build().json))[0].ami).toBe("ami-0123456789abcdef0");
  });

  test("an arm64 instance type with an amd64 image is refused", () => {
    expect(() => buildCluster(ONE_ZONE(), controllers(1, { size: "t4g.medium" }))).toThrow(
      "test/aws-platform/nodes/controller-0: size: instance type t4g.medium is arm64 but the image is amd64. Fix: use an x86 instance type (for example t3.medium) or an arm64 image",
    );
  });

  test("an amd64 instance type with an arm64 image is refused", () => {
    expect(() => buildCluster(ONE_ZONE(), controllers(1, { architecture: Architecture.ARM64, size: "m5.large" }))).toThrow(
      "size: instance type m5.large is amd64 but the image is arm64. Fix: use a Graviton instance type (for example t4g.medium) or an amd64 image",
    );
  });

  test("an image of another architecture than the node is refused", () => {
    expect(() => buildCluster(ONE_ZONE(), controllers(1, { image: amiId(Architecture.ARM64) }))).toThrow(
      "test/aws-platform/nodes/controller-0: image.architecture: the image is arm64 but the node is amd64. Fix: pick the image for the node's architecture",
    );
  });

  test("a pinned policy without an AMI for the node's architecture is refused", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"], imagePolicy: AwsImagePolicy.pin({ amd64: "ami-0123456789abcdef0" }) });
    expect(() => buildCluster(platform, controllers(1, { architecture: Architecture.ARM64, image: flatcarLookup(Architecture.ARM64) }))).toThrow(
      'test/aws-platform/nodes/controller-0: image: the image policy pins no AMI for arm64. Fix: add arm64: "ami-..." to AwsImagePolicy.pin()',
    );
  });

  test("a malformed pinned AMI id is refused", () => {
    expect(() => AwsImagePolicy.pin({ amd64: "flatcar" })).toThrow('AwsImagePolicy.pin: amd64: "flatcar" is not an AMI id');
  });

  test("a malformed AMI id from the OS is refused", () => {
    expect(() => buildCluster(ONE_ZONE(), controllers(1, { image: { kind: "id", amiId: "ami-xyz", architecture: Architecture.AMD64 } }))).toThrow(
      'test/aws-platform/nodes/controller-0: image.amiId: "ami-xyz" is not an AMI id',
    );
  });

  test("a lookup without owners is refused", () => {
    expect(() => buildCluster(ONE_ZONE(), controllers(1, { image: { kind: "lookup", owners: [], namePattern: "Flatcar-stable-*", architecture: Architecture.AMD64 } }))).toThrow(
      "image.owners: an AMI lookup without owners could match anyone's image",
    );
  });
});

describe("determinism", () => {
  test("synthesizing the same cluster twice gives byte-identical output", () => {
    const build = () =>
      JSON.stringify(
        buildCluster(
          AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b"] }),
          [...controllers(2), ...workers("general", 2), ...workers("big", 1, { config: () => flatcarConfig(undefined, { padBytes: 20_000 }) })],
          "demo",
          { apiCidrs: ["203.0.113.0/24"] },
        ).json,
      );
    expect(build()).toBe(build());
  });
});

describe("requests", () => {
  test("a second addMachines call is refused", () => {
    const built = buildCluster(ONE_ZONE(), controllers(1));
    expect(() => built.binding.addMachines([])).toThrow("test/aws-platform: addMachines: called twice. Fix: pass every machine in one call");
  });

  test("a request for a node bind() never saw is refused", () => {
    const { binding } = bindOnly(ONE_ZONE(), controllers(1));
    const stranger = { name: "stranger", role: NodeRole.WORKER, pool: "general", architecture: Architecture.AMD64 };
    expect(() => binding.addMachines([{ ...requestFor(stranger, flatcarConfig(undefined), amiId()), size: "t3.medium" }])).toThrow(
      "test/aws-platform/nodes/stranger: spec.name: the node was not given to bind(). Fix: bind the same node list you add machines for",
    );
  });

  test("two requests for one node are refused", () => {
    const { binding, specs } = bindOnly(ONE_ZONE(), controllers(1));
    const request = { ...requestFor(specs[0], flatcarConfig("controller-0"), amiId()), size: "t3.medium" };
    expect(() => binding.addMachines([request, request])).toThrow("test/aws-platform/nodes/controller-0: spec.name: two requests for one node");
  });

  test("a node name given twice to bind() is refused", () => {
    expect(() => bindOnly(ONE_ZONE(), [...controllers(1), ...controllers(1)])).toThrow("test/aws-platform: nodes[controller-0]: the node name is used twice. Fix: give every node its own name");
  });

  test("a root volume size that is not a positive whole number is refused", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"], diskGib: 7.5 });
    expect(() => bindOnly(platform, controllers(1))).toThrow("test/aws-platform: diskGib: 7.5 is not a positive whole number");
  });

  test("a malformed public subnet id is refused with its index", () => {
    const platform = AwsPlatform.existingVpc({
      vpcId: "vpc-0a1b2c3d",
      vpcCidr: "172.31.0.0/16",
      privateSubnets: [{ id: "subnet-0a1b2c3d", cidr: "172.31.0.0/20" }],
      publicSubnetIds: ["public-a"],
    });
    expect(() => bindOnly(platform, controllers(1))).toThrow('test/aws-platform: publicSubnetIds[0]: "public-a" is not a subnet id');
  });

  test("a node name that is not a DNS label is refused", () => {
    expect(() => buildCluster(ONE_ZONE(), [{ name: "Controller_0", role: NodeRole.CONTROLLER, pool: "controllers" }])).toThrow(
      "test/aws-platform: nodes[Controller_0].name: the node name is not a DNS label",
    );
  });

  test("a user data limit above EC2's is refused", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"], userDataLimit: 20000 });
    expect(() => buildCluster(platform, controllers(1))).toThrow("test/aws-platform: userDataLimit: 20000 is outside 0..16384");
  });

  test("a zero-sized disk is refused", () => {
    expect(() => buildCluster(ONE_ZONE(), controllers(1, { diskGib: 0 }))).toThrow("test/aws-platform/nodes/controller-0: diskGib: 0 is not a positive whole number");
  });

  test("workers as instances spread over zones by their index in the pool", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a", "eu-central-1b"], workerPlacement: WorkerPlacement.INSTANCES });
    const { json } = buildCluster(platform, [...controllers(1), ...workers("w", 3, { config: ({ spec }) => flatcarConfig(spec.name) })]);
    const subnets = Object.entries(instances(json))
      .filter(([k]) => k.includes("_w-"))
      .map(([, i]) => String(i.subnet_id));
    expect(subnets[0]).toBe(subnets[2]);
    expect(subnets[0]).not.toBe(subnets[1]);
  });
});

afterAll(() => {
  console.log(tallyLine(checkRecordedStacks()));
});
