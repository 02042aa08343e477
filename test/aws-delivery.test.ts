import { createHash } from "node:crypto";
import { afterAll } from "vitest";
import { describe, expect, test } from "vitest";
import { DEFERRED_VALUE_BUDGET, AwsPlatform, estimateUserDataBytes } from "../lib/platform/aws";
import { IgnitionVersion } from "../lib/ignition";
import { K3OS_FORMAT } from "../lib/k3os/format";
import { flatcarAwsProfile } from "../lib/os/flatcar/aws";
import { Architecture } from "../lib/core/node";
import { ignitionValidateTool, runIgnitionValidate } from "../lib/testing/ignition";
import { need } from "./helpers/external";
import { buildCluster, controllers, flatcarConfig, incompressibleText, resourcesOf } from "./fixtures/aws/cluster";
import { k3os, oversize } from "./fixtures/aws/scenarios";
import { checkRecordedStacks, tallyLine } from "./fixtures/aws/terraform";

type Json = ReturnType<typeof oversize.build>["json"];

function instanceOf(json: Json, node: string): Record<string, unknown> {
  const hit = Object.entries(resourcesOf(json, "aws_instance")).find(([k]) => k.includes(`_nodes_${node}_machine_`));
  if (!hit) throw new Error(`no instance for ${node}`);
  return hit[1];
}

function objectFor(json: Json, key: string): Record<string, unknown> {
  const hit = Object.values(resourcesOf(json, "aws_s3_object")).find((o) => o.key === key);
  if (!hit) throw new Error(`no S3 object ${key}`);
  return hit;
}

/** The synthesized stub with the bucket's interpolation replaced by a name, as AWS would fill it. */
function concreteStub(userData: string): string {
  return userData.replace(/\$\{aws_s3_bucket\.[^}]+\.bucket\}/g, "demo-config-20260101");
}

describe("Ignition over the user data limit", () => {
  test("a config over 16 KB goes to an S3 object named for its node", () => {
    const object = objectFor(oversize.build().json, "nodes/big.ign");
    expect(Buffer.byteLength(String(object.content))).toBeGreaterThan(16384);
    expect(object).toMatchObject({ content_type: "application/json", server_side_encryption: "AES256" });
  });

  test("its user data is a stub that replaces itself with the S3 object", () => {
    const userData = String(instanceOf(oversize.build().json, "big").user_data);
    const stub = JSON.parse(concreteStub(userData));
    expect(stub.ignition.config.replace.source).toBe("s3://demo-config-20260101/nodes/big.ign");
    expect(Object.keys(stub)).toEqual(["ignition"]);
  });

  test("the stub's sha512 matches the stored config", () => {
    const { json } = oversize.build();
    const stub = JSON.parse(concreteStub(String(instanceOf(json, "big").user_data)));
    const content = String(objectFor(json, "nodes/big.ign").content);
    expect(stub.ignition.config.replace.verification.hash).toBe(`sha512-${createHash("sha512").update(content).digest("hex")}`);
  });

  test("the stub passes ignition-validate", (ctx) => {
    need(ctx, ignitionValidateTool());
    const result = runIgnitionValidate(concreteStub(String(instanceOf(oversize.build().json, "big").user_data)));
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  test("the stored full config passes ignition-validate", (ctx) => {
    need(ctx, ignitionValidateTool());
    const result = runIgnitionValidate(String(objectFor(oversize.build().json, "nodes/big.ign").content));
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  test("the stub states the stored config's Ignition version", () => {
    const stub = JSON.parse(concreteStub(String(instanceOf(oversize.build().json, "big").user_data)));
    expect(stub.ignition.version).toBe("3.3.0");
    const v34 = flatcarAwsProfile({ channelName: "stable", version: undefined, ignitionVersion: IgnitionVersion.V3_4_0, minimums: { memoryMib: 2048, diskGib: 8 } }, Architecture.AMD64);
    expect(JSON.parse(v34.fetch!.stub("s3://b/k", "00")).ignition.version).toBe("3.4.0");
  });

  test("the node's role may read exactly its object and nothing else", () => {
    const policies = Object.values(resourcesOf(oversize.build().json, "aws_iam_role_policy")).map((p) => JSON.parse(String(p.policy)));
    const big = policies.find((p) => JSON.stringify(p).includes("/nodes/big.ign"));
    expect(big.Statement).toEqual([{ Effect: "Allow", Action: "s3:GetObject", Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.[^}]+\.arn\}\/nodes\/big\.ign$/) }]);
  });

  test("a pool over the limit stores one object for the pool and its template carries the stub", () => {
    const { json } = oversize.build();
    objectFor(json, "pools/large.ign");
    const lt = Object.values(resourcesOf(json, "aws_launch_template"))[0];
    // The stub names the bucket, an apply-time value: Terraform base64-encodes it from a local.
    const local = /^\$\{base64encode\(local\.([^)]+)\)\}$/.exec(String(lt.user_data));
    expect(local).not.toBeNull();
    const stub = JSON.parse(concreteStub(String((json.locals as Record<string, string>)[local![1]])));
    expect(stub.ignition.config.replace.source).toBe("s3://demo-config-20260101/pools/large.ign");
  });

  test("a large config holding an apply-time value is hashed by Terraform", () => {
    const { json } = oversize.build();
    const userData = String(instanceOf(json, "deferred").user_data);
    const content = String(objectFor(json, "nodes/deferred.ign").content);
    // The object and the hash read the same local, which holds the load balancer's name.
    const local = /^\$\{local\.([^}]+)\}$/.exec(content);
    expect(local).not.toBeNull();
    expect(userData).toContain(`"hash":"sha512-\${sha512(local.${local![1]})}"`);
    expect(String((json.locals as Record<string, string>)[local![1]])).toMatch(/\$\{aws_lb\.[^}]+\.dns_name\}/);
  });

  test("the config bucket blocks public access, encrypts and refuses plain HTTP", () => {
    const { json } = oversize.build();
    expect(Object.values(resourcesOf(json, "aws_s3_bucket_public_access_block"))[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(Object.values(resourcesOf(json, "aws_s3_bucket_server_side_encryption_configuration"))[0]).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
    const policy = JSON.parse(String(Object.values(resourcesOf(json, "aws_s3_bucket_policy"))[0].policy));
    expect(policy.Statement[0]).toMatchObject({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });
});

describe("Ignition under the user data limit", () => {
  // Escape hatches may grow a config until synth, and a k3s node's config holds the cluster's
  // secrets, so every Ignition config is stored privately; user data only points at it.
  test("a config under 16 KB also goes to its S3 object, the user data a stub naming it", () => {
    const { json } = oversize.build();
    expect(String(objectFor(json, "nodes/small.ign").content)).toBe(flatcarConfig("small").content);
    const stub = JSON.parse(concreteStub(String(instanceOf(json, "small").user_data)));
    expect(stub.ignition.config.replace.source).toBe("s3://demo-config-20260101/nodes/small.ign");
  });

  test("its stub passes ignition-validate", (ctx) => {
    need(ctx, ignitionValidateTool());
    const result = runIgnitionValidate(concreteStub(String(instanceOf(oversize.build().json, "small").user_data)));
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  test("its role may read exactly its object", () => {
    const policies = Object.values(resourcesOf(oversize.build().json, "aws_iam_role_policy")).map((p) => JSON.parse(String(p.policy)));
    const small = policies.filter((p) => JSON.stringify(p).includes("/nodes/small.ign"));
    expect(small).toHaveLength(1);
    expect(small[0].Statement).toEqual([{ Effect: "Allow", Action: "s3:GetObject", Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.[^}]+\.arn\}\/nodes\/small\.ign$/) }]);
  });

  test("an OS that reads only user data (k3OS) gets its config whole, and no bucket", () => {
    const { json } = k3os.build();
    expect(resourcesOf(json, "aws_s3_bucket")).toEqual({});
    expect(String(instanceOf(json, "controller-0").user_data)).toMatch(/^ssh_authorized_keys:\n/);
  });
});

describe("user data size", () => {
  test("known content counts its UTF-8 bytes", () => {
    expect(estimateUserDataBytes("héllo")).toBe(6);
  });

  test("each apply-time value counts the deferred-value budget", () => {
    expect(estimateUserDataBytes("a ${TfToken[TOKEN.12]} b")).toBe(4 + DEFERRED_VALUE_BUDGET);
  });
});

describe("k3OS", () => {
  test("a k3OS config is the user data as YAML", () => {
    const { json } = k3os.build();
    const userData = String(instanceOf(json, "controller-0").user_data);
    expect(userData).toMatch(/^ssh_authorized_keys:\n/);
    expect(userData).toContain("hostname: controller-0\n");
  });

  test("k3OS workers join the first controller's fixed address", () => {
    expect(String(instanceOf(k3os.build().json, "general-0").user_data)).toContain("server_url: https://10.5.128.10:6443");
  });

  test("a k3OS config over the limit is refused, since k3OS reads only user data", () => {
    const platform = AwsPlatform.newVpc({ cidr: "10.0.0.0/16", zones: ["eu-central-1a"] });
    const big = { format: K3OS_FORMAT, content: `hostname: x\nwrite_files:\n- path: /x\n  content: ${incompressibleText(20000)}\n` };
    expect(() => buildCluster(platform, controllers(1, { config: () => big }))).toThrow(
      /^test\/aws-platform\/nodes\/controller-0: config: the k3OS config.yaml is about 20\d\d\d bytes, over the 16384-byte user data limit, and the OS reads its config only from user data\. Fix: make the config smaller/,
    );
  });
});

afterAll(() => {
  console.log(tallyLine(checkRecordedStacks()));
});
