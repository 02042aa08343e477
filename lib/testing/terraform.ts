/**
 * Runs the real `terraform` CLI over synthesized stacks, offline: `terraform validate` and
 * `terraform plan -refresh=false` against the hashicorp/aws provider from a filesystem mirror.
 *
 * `terraform init` is the expensive step (the AWS provider binary is about 700 MB), so it runs
 * once per mirror in a shared directory; every stack checked afterwards gets a fresh working
 * directory whose `.terraform/providers` is a symbolic link to the shared one and whose
 * dependency lock file is a copy of the shared one. No cdktf here: stacks arrive as JSON.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";

/** The hashicorp/aws version @cdktf/provider-aws 20.1.0 is generated for (its package.json `cdktf.provider`). */
export const AWS_PROVIDER_VERSION = "5.100.0";

// A filesystem mirror in the "unpacked" layout holds HOSTNAME/NAMESPACE/TYPE/VERSION/TARGET
// (developer.hashicorp.com/terraform/cli/config/config-file#filesystem_mirror).
const AWS_MIRROR_SUBPATH = path.join("registry.terraform.io", "hashicorp", "aws");

import type { ExternalTool } from "./external";

/** Finds `terraform` on PATH (or `TERRAFORM_BIN`). */
export function findTerraform(): string | undefined {
  const explicit = process.env.TERRAFORM_BIN;
  if (explicit && isExecutable(explicit)) return explicit;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, "terraform");
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds the root of a filesystem mirror that holds hashicorp/aws {@link AWS_PROVIDER_VERSION}:
 * `TF_PLUGIN_MIRROR` if set, else the first of the usual plugin roots that has it.
 */
export function findAwsMirror(): string | undefined {
  const home = os.homedir();
  const roots = [
    process.env.TF_PLUGIN_MIRROR,
    "/opt/tf-plugins",
    // Terraform's implied local mirror directories on Linux
    // (developer.hashicorp.com/terraform/cli/config/config-file#implied-local-mirror-directories).
    path.join(home, ".terraform.d", "plugins"),
    path.join(home, ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ];
  for (const root of roots) {
    if (root && fs.existsSync(path.join(root, AWS_MIRROR_SUBPATH, AWS_PROVIDER_VERSION))) return root;
  }
  return undefined;
}

/** terraform plus the AWS mirror, as one tool for `need()`; located only when both are there. */
export function terraformTools(): ExternalTool {
  const terraform = findTerraform();
  const mirror = findAwsMirror();
  return {
    name: "terraform with the hashicorp/aws mirror",
    location: terraform && mirror ? terraform : undefined,
    install:
      `${terraform ? "" : "put terraform >= 1.5 on PATH; "}` +
      `${mirror ? "" : `set TF_PLUGIN_MIRROR to a filesystem mirror holding registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}`}`,
  };
}

/** The CLI config that installs hashicorp/aws from `mirrorRoot` only and everything else directly. */
export function cliConfig(mirrorRoot: string): string {
  // Block shape: developer.hashicorp.com/terraform/cli/config/config-file#provider-installation.
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirrorRoot)}`,
    '    include = ["registry.terraform.io/hashicorp/aws"]',
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/hashicorp/aws"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * Provider settings that let validate and plan run without AWS credentials or network: the
 * provider's `skip_*` switches and dummy keys (FACTS.md, checked with hashicorp/aws 5.100.0).
 * Use as `new AwsProvider(stack, "aws", offlineAwsProviderConfig())`.
 */
export function offlineAwsProviderConfig(region = "eu-central-1"): AwsProviderConfig {
  return {
    region,
    accessKey: "AKIAOFFLINETESTING00",
    secretKey: "offline-testing-secret-key",
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: "true",
    skipRegionValidation: true,
  };
}

/** Options for {@link terraformValidateAndPlan}. */
export interface TerraformCheckOptions {
  /** Also run `terraform plan -refresh=false`. @default true */
  readonly plan?: boolean;
  /** Values for the stack's input variables, passed to plan as `-var name=value`. @default {} */
  readonly variables?: Readonly<Record<string, string>>;
  /**
   * Replace the resources of providers the offline mirror lacks (hashicorp/tls, hashicorp/random)
   * with stand-ins first ({@link standInUnmirroredResources}), so the rest of the stack is still
   * validated and planned. @default false
   */
  readonly standIns?: boolean;
}

/** Provider types the offline mirror does not hold (FACTS.md), replaced by {@link standInUnmirroredResources}. */
export const UNMIRRORED_PROVIDERS: readonly string[] = ["tls", "random"];

/**
 * A copy of a synthesized stack whose tls and random resources are `terraform_data` stand-ins
 * (Terraform's built-in resource, no provider to install): each takes the attributes the stack
 * reads from it as `input`, and every reference `tls_private_key.x.private_key_pem` becomes
 * `terraform_data.tls_private_key_x.output.private_key_pem`. `output` is unknown until apply, as
 * a key or password is, so plan sees the same apply-time values flow into configs and outputs.
 * The stand-ins' own arguments (key algorithm, CA flags) are not checked by Terraform; the tests
 * check those against the provider's schema-typed bindings and k3s's requirements.
 */
export function standInUnmirroredResources(stack: object): Record<string, unknown> {
  const json = structuredClone(stack) as Record<string, Record<string, Record<string, unknown>>>;
  const types = UNMIRRORED_PROVIDERS.map((p) => `${p}_`);
  const isUnmirrored = (type: string) => types.some((t) => type.startsWith(t));
  const resources = json.resource ?? {};
  const replaced = new Map<string, Set<string>>();
  for (const type of Object.keys(resources)) {
    if (!isUnmirrored(type)) continue;
    for (const name of Object.keys(resources[type])) replaced.set(`${type}.${name}`, new Set());
    delete resources[type];
  }
  for (const p of UNMIRRORED_PROVIDERS) {
    delete (json.provider as Record<string, unknown> | undefined)?.[p];
    delete (json.terraform?.required_providers as Record<string, unknown> | undefined)?.[p];
  }
  if (replaced.size === 0) return json;
  // References inside `${...}` expressions (and depends_on entries), with or without an attribute.
  const ref = new RegExp(`\\b((?:${UNMIRRORED_PROVIDERS.join("|")})_[a-z0-9_]+)\\.([A-Za-z0-9_-]+)(?:\\.([a-z0-9_]+))?`, "g");
  let text = JSON.stringify(json);
  text = text.replace(ref, (m, type: string, name: string, attr: string | undefined) => {
    const key = `${type}.${name}`;
    const attrs = replaced.get(key);
    if (!attrs) return m;
    if (attr) attrs.add(attr);
    return `terraform_data.${type}_${name}${attr ? `.output.${attr}` : ""}`;
  });
  const out = JSON.parse(text) as Record<string, Record<string, Record<string, unknown>>>;
  out.resource ??= {};
  const data = (out.resource.terraform_data ??= {});
  for (const [key, attrs] of replaced) {
    const [type, name] = key.split(".");
    data[`${type}_${name}`] = { input: Object.fromEntries([...attrs].sort().map((a) => [a, `stand-in for ${key}.${a}`])) };
  }
  return out;
}

/** The outcome of {@link terraformValidateAndPlan}. */
export interface TerraformCheckResult {
  /** The configuration is valid (and, when planned, the plan succeeded). */
  readonly ok: boolean;
  /** A plan ran (it includes validation). */
  readonly planned: boolean;
  /** terraform's output, for assertion messages. */
  readonly output: string;
}

/**
 * Validates (and plans) one synthesized stack offline.
 *
 * `stack` is a stack's synth directory (holding `cdk.tf.json`, as `Testing.fullSynth` returns),
 * its JSON text (as `Testing.synth` returns) or the parsed object. The stack's backend block is
 * dropped: the check runs with local state in a throw-away directory.
 */
export function terraformValidateAndPlan(stack: string | object, options: TerraformCheckOptions = {}): TerraformCheckResult {
  const tools = requireTools();
  const json = checkedStack(stack, options.standIns);
  const shared = sharedInit(tools.terraform, tools.mirror);
  const dir = workDir(shared, "microos-tf-stack-");
  try {
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json, undefined, 2));
    const plan = options.plan ?? true;
    const vars = Object.entries(options.variables ?? {}).flatMap(([k, v]) => ["-var", `${k}=${v}`]);
    const result = run(tools.terraform, [...checkArgs(plan), ...(plan ? vars : [])], dir, shared.env);
    return { ok: result.ok, planned: plan, output: result.output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The stack as the check runs it: a copy, stand-ins first when asked, without its backend (local state in a throw-away directory). */
function checkedStack(stack: string | object, standIns: boolean | undefined): Record<string, unknown> {
  const read = readStack(stack);
  const json = standIns ? standInUnmirroredResources(read) : read;
  const terraformBlock = json.terraform as Record<string, unknown> | undefined;
  if (terraformBlock) delete terraformBlock.backend;
  return json;
}

/** A throw-away directory that uses the shared init's providers and lock file. */
function workDir(shared: SharedInit, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, ".terraform"));
  fs.symlinkSync(path.join(shared.dir, ".terraform", "providers"), path.join(dir, ".terraform", "providers"));
  fs.copyFileSync(path.join(shared.dir, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
  return dir;
}

/**
 * `terraform plan` validates the configuration before planning, so a planned stack needs no
 * separate validate run (each run starts the 700 MB provider binary).
 */
function checkArgs(plan: boolean): string[] {
  return plan ? ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color"] : ["validate", "-no-color"];
}

/** One stack for {@link terraformValidateAndPlanTogether}. */
export interface TerraformStackToCheck {
  /** The stack, as {@link terraformValidateAndPlan} takes it. */
  readonly stack: string | object;
  /** Values for the stack's input variables. @default {} */
  readonly variables?: Readonly<Record<string, string>>;
  /** Replace the resources of unmirrored providers with stand-ins first. @default false */
  readonly standIns?: boolean;
}

/**
 * Validates (and plans) several stacks in one terraform run, each a child module of one root
 * configuration (its variables passed as the module's arguments), so terraform starts, and reads
 * the AWS provider's schema, once rather than once per stack. When the run fails, each stack is
 * checked alone, so each result says whether terraform rejects that stack. One result per stack,
 * in order; a stack that passed together carries the run's whole output.
 */
export function terraformValidateAndPlanTogether(stacks: readonly TerraformStackToCheck[], options: { readonly plan?: boolean } = {}): TerraformCheckResult[] {
  const plan = options.plan ?? true;
  const alone = () => stacks.map((s) => terraformValidateAndPlan(s.stack, { plan, variables: s.variables, standIns: s.standIns }));
  if (stacks.length < 2) return alone();
  const tools = requireTools();
  const shared = sharedInit(tools.terraform, tools.mirror);
  const dir = workDir(shared, "microos-tf-stacks-");
  try {
    const modules: Record<string, Record<string, string>> = {};
    const manifest: { Key: string; Source: string; Dir: string }[] = [{ Key: "", Source: "", Dir: "." }];
    const jsons = stacks.map((s) => checkedStack(s.stack, s.standIns));
    // Stacks that configure their providers alike share the root's configuration (a child module
    // without provider blocks inherits the root's default ones), so one provider process serves
    // them all instead of one per stack.
    const providers = JSON.stringify(jsons[0].provider);
    const root: Record<string, unknown> = { module: modules };
    if (jsons.every((j) => JSON.stringify(j.provider) === providers)) {
      root.provider = jsons[0].provider;
      for (const j of jsons) delete j.provider;
    }
    jsons.forEach((json, i) => {
      const s = stacks[i];
      const name = `stack${i}`;
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, "main.tf.json"), JSON.stringify(json, undefined, 2));
      modules[name] = { source: `./${name}`, ...s.variables };
      manifest.push({ Key: name, Source: `./${name}`, Dir: name });
    });
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(root, undefined, 2));
    fs.mkdirSync(path.join(dir, ".terraform", "modules"));
    // What `terraform init` records for local modules (terraform internal/modsdir manifest.go:
    // .terraform/modules/modules.json, a Key, Source and Dir per module call), written here so
    // that no init runs beside the shared providers directory.
    fs.writeFileSync(path.join(dir, ".terraform", "modules", "modules.json"), JSON.stringify({ Modules: manifest }));
    const result = run(tools.terraform, checkArgs(plan), dir, shared.env);
    if (!result.ok) return alone();
    const output = `${stacks.length} stacks as child modules of one configuration\n${result.output}`;
    return stacks.map(() => ({ ok: true, planned: plan, output }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Tools {
  readonly terraform: string;
  readonly mirror: string;
}

function requireTools(): Tools {
  const terraform = findTerraform();
  const mirror = findAwsMirror();
  if (!terraform || !mirror) throw new Error(`terraform check impossible: ${terraformTools().install}`);
  return { terraform, mirror };
}

function readStack(stack: string | object): Record<string, unknown> {
  if (typeof stack !== "string") return structuredClone(stack) as Record<string, unknown>;
  if (stack.trimStart().startsWith("{")) return JSON.parse(stack) as Record<string, unknown>;
  const file = fs.statSync(stack).isDirectory() ? path.join(stack, "cdk.tf.json") : stack;
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

interface SharedInit {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
}

let sharedInitCache: SharedInit | undefined;

/**
 * One `terraform init` per mirror and user, shared by every test process: the first process
 * takes a lock (an exclusive mkdir) and initialises; the others wait for its `ready` marker.
 */
function sharedInit(terraform: string, mirror: string): SharedInit {
  if (sharedInitCache) return sharedInitCache;
  const key = createHash("sha256").update(`${mirror}\0${AWS_PROVIDER_VERSION}\0${terraform}`).digest("hex").slice(0, 16);
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  const dir = path.join(os.tmpdir(), `microos-tf-shared-${uid}-${key}`);
  const cliConfigFile = path.join(dir, "terraformrc");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
  };
  delete env.TF_PLUGIN_CACHE_DIR;
  const ready = path.join(dir, "ready");
  const lock = `${dir}.lock`;

  if (!fs.existsSync(ready)) {
    waitForLock(lock);
    try {
      if (!fs.existsSync(ready)) {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(cliConfigFile, cliConfig(mirror));
        fs.writeFileSync(
          path.join(dir, "main.tf.json"),
          JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION } } } }),
        );
        const init = run(terraform, ["init", "-input=false", "-no-color", "-backend=false"], dir, env);
        if (!init.ok) throw new Error(`terraform init failed in ${dir}:\n${init.output}`);
        fs.writeFileSync(ready, new Date(0).toISOString());
      }
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
  sharedInitCache = { dir, env };
  return sharedInitCache;
}

function waitForLock(lock: string): void {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      // A lock older than the deadline was left by a killed process.
      const st = fs.statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
}

function run(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const r = spawnSync(bin, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const output = `$ terraform ${args.join(" ")}\n${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`;
  return { ok: r.status === 0, output };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
