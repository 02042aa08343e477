/**
 * Checks a Kairos cloud-config: the strict schema derived from Kairos's own (./schema.ts) and the
 * rules Kairos, yip and k3s apply that a schema cannot say. Plain TypeScript: no cdktf.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { parse } from "yaml";
import { checkSshKey } from "../core/ssh";
import { isDeferred } from "../core/deferred";
import { MicroOsError, type Problem } from "../core/errors";
import { KAIROS_CONFIG_SCHEMA } from "./schema";

/**
 * The stages Kairos runs (kairos-docs architecture/cloud-init.md, "Boot stages"): the boot
 * stages, each with `.before` and `.after` sub-stages, and the install, reset and upgrade hooks.
 * A stage with another name never runs.
 */
export const KAIROS_BOOT_STAGES: readonly string[] = ["rootfs", "initramfs", "boot", "fs", "network", "reconcile"];
const HOOK_STAGES: readonly string[] = [
  "kairos-install.pre",
  "kairos-install.after",
  "kairos-uki-install.pre",
  "kairos-uki-install.after",
  "kairos-uki-reset.pre",
  "kairos-uki-reset.after",
  "kairos-uki-upgrade.pre",
  "kairos-uki-upgrade.after",
  "before-install",
  "after-install-chroot",
  "after-install",
  "before-reset",
  "after-reset",
  "after-reset-chroot",
  "before-upgrade",
  "after-upgrade",
  "after-upgrade-chroot",
  // provider-kairos internal/provider/bootstrap.go runs `kairos-agent run-stage kairos-agent.bootstrap`.
  "kairos-agent.bootstrap",
];
// provider-kairos.bootstrap.before.<role> / .after.<role> (architecture/cloud-init.md, provider stages).
const PROVIDER_STAGE = /^provider-kairos\.bootstrap\.(before|after)\.[A-Za-z0-9_.-]+$/;

/** True when Kairos runs a stage of this name. */
export function isKairosStage(name: string): boolean {
  const base = name.replace(/\.(before|after)$/, "");
  return KAIROS_BOOT_STAGES.includes(base) || HOOK_STAGES.includes(name) || PROVIDER_STAGE.test(name);
}

/** The headers Kairos accepts on the first line (kairos-sdk schema/root_schema.go HasHeader). */
export const KAIROS_HEADERS: readonly string[] = ["#cloud-config", "#kairos-config", "#node-config"];

// Flags and variables that carry a k3s token (docs.k3s.io/cli/server, cli/agent).
const TOKEN_FLAGS = /^(--token|-t|--agent-token|--token-file|--agent-token-file|--cluster-secret)(=|\s|$)/;
const TOKEN_ENV = ["K3S_TOKEN", "K3S_AGENT_TOKEN", "K3S_CLUSTER_SECRET", "K3S_TOKEN_FILE"];

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!validator) {
    // ajv loads at the first check, not when the package is imported (as for k3OS's check).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = (require("ajv") as typeof import("ajv")).default;
    validator = new Ajv({ allErrors: true, strict: false }).compile(KAIROS_CONFIG_SCHEMA);
  }
  return validator;
}

/** Every problem with `config` (a parsed cloud-config object): schema first, then Kairos's rules. */
export function checkKairosObject(config: unknown): Problem[] {
  const validate = schemaValidator();
  if (!validate(config)) return schemaIssues(validate.errors ?? []);
  return semanticIssues(config as Record<string, unknown>);
}

/** Throws the first problem as a MicroOsError. */
export function assertKairosObject(config: unknown, at = "kairos"): void {
  const [first] = checkKairosObject(config);
  if (first) throw new MicroOsError(at, first.field, first.problem, first.fix);
}

/**
 * Checks a rendered config as a node reads it: the header, then the YAML (parsed as YAML 1.2, as
 * Kairos's yaml.v3 does), then the object. One message per problem; empty when good.
 */
export function validateKairosConfig(text: string): string[] {
  if (!KAIROS_HEADERS.some((h) => text.startsWith(h))) {
    return ["(header): the config does not start with #cloud-config, so Kairos does not read it as a config (kairos-sdk HasHeader). Fix: put #cloud-config on the first line"];
  }
  let obj: unknown;
  try {
    obj = parse(text) ?? {};
  } catch (e) {
    return [`(yaml): ${(e as Error).message}`];
  }
  return checkKairosObject(obj).map((i) => `${i.field}: ${i.problem}. Fix: ${i.fix}`);
}

function fieldOf(path: string): string {
  return path.replace(/^\//, "").replace(/\//g, ".") || "(top level)";
}

function schemaIssues(errors: ErrorObject[]): Problem[] {
  // A failed oneOf reports each branch's errors too; keep the oneOf itself.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath));
  const underOneOf = (e: ErrorObject) => [...oneOfPaths].some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
  const kept = errors.filter((e) => !(e.schemaPath.includes("/oneOf/") && underOneOf(e)));
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const issue = schemaIssue(e);
    const key = `${issue.field}|${issue.problem}`;
    if (!seen.has(key)) out.push(issue);
    seen.add(key);
  }
  return out;
}

function schemaIssue(e: ErrorObject): Problem {
  const field = fieldOf(e.instancePath);
  if (e.keyword === "additionalProperties") {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { field: field === "(top level)" ? extra : `${field}.${extra}`, problem: "Kairos reads no such key here, and drops it silently (strict schema)", fix: "remove it, or spell it as the Kairos configuration reference does" };
  }
  if (e.keyword === "required") {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    if (missing === "users") {
      return { field: "users", problem: "the config has no users, and Kairos's schema requires at least one (kairos-sdk RootSchema)", fix: "add the admin user, for example { name: \"kairos\", sshAuthorizedKeys: [...] }" };
    }
    return { field: field === "(top level)" ? missing : `${field}.${missing}`, problem: "a required key is missing (strict schema)", fix: `set ${missing}` };
  }
  if (e.keyword === "oneOf" && field === "install") {
    return { field: "install", problem: "reboot and poweroff are both true; Kairos's schema allows at most one (kairos-sdk install_schema.go, PowerManagement)", fix: "set either reboot or poweroff" };
  }
  if (e.keyword === "pattern" && field === "install.device") {
    return { field, problem: "the device is not auto, a /dev/ path or a script:// URI (kairos-sdk install_schema.go)", fix: "give a device such as /dev/vda, or auto" };
  }
  if (e.keyword === "pattern" && /^users\.\d+\.name$/.test(field)) {
    return { field, problem: "the user name does not match Kairos's pattern [a-z_][a-z0-9_]{0,30} (kairos-sdk users_schema.go)", fix: "use a lower-case name such as kairos" };
  }
  if (e.keyword === "minItems" && field === "users") {
    return { field, problem: "the users list is empty, and Kairos's schema requires at least one (kairos-sdk RootSchema)", fix: "add the admin user" };
  }
  if (e.keyword === "type") {
    const type = (e.params as { type: string }).type;
    return { field, problem: `the value is not of type ${type} (strict schema)`, fix: `give a ${type}` };
  }
  if (e.keyword === "enum") {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ");
    return { field, problem: "the value is not one Kairos knows (strict schema)", fix: `use one of ${allowed}` };
  }
  return { field, problem: `${e.message ?? "invalid"} (strict schema)`, fix: "follow the Kairos configuration reference" };
}

type Step = { files?: Array<Record<string, unknown>>; commands?: string[]; [key: string]: unknown };
type Block = { enabled?: boolean; args?: string[]; env?: Record<string, string> };

function semanticIssues(c: Record<string, unknown>): Problem[] {
  const issues: Problem[] = [];
  const add = (field: string, problem: string, fix: string) => issues.push({ field, problem, fix });

  // Users: names as useradd takes them, keys as OpenSSH lines or github:/gitlab: imports.
  const users = (c.users ?? []) as Array<{ name: string; ssh_authorized_keys?: string[] }>;
  const names = new Set<string>();
  users.forEach((u, i) => {
    if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(u.name)) add(`users[${i}].name`, `"${u.name}" is not a user name`, "use lower-case letters, digits, _ and -, starting with a letter or _ (at most 32)");
    if (names.has(u.name)) add(`users[${i}].name`, `the user ${u.name} is listed twice`, "list each user once, with all its keys");
    names.add(u.name);
    (u.ssh_authorized_keys ?? []).forEach((key, j) => {
      // yip fetches github:/gitlab: keys at the network stage (pkg/schema/loader_cloudinit.go).
      if (isDeferred(key) || /^(github|gitlab):\S+$/.test(key.trim())) return;
      if (checkSshKey(key, "ssh_authorized_keys") !== undefined) {
        add(`users[${i}].ssh_authorized_keys[${j}]`, "the entry is not an OpenSSH public key", 'give a line like "ssh-ed25519 AAAA... user@host" or "github:<user>"');
      }
    });
  });

  const install = c.install as { ssh_hardening?: boolean; auto?: boolean; device?: string } | undefined;
  if (install?.ssh_hardening && !users.some((u) => (u.ssh_authorized_keys ?? []).length > 0)) {
    // kairos-sdk root_schema.go ValidateSemantics.
    add("install.ssh_hardening", "ssh hardening turns password logins off, but no user has an ssh key, so the installed system would be unreachable", "give a user ssh_authorized_keys, or drop ssh_hardening");
  }
  if (install?.auto && install.device === undefined) {
    add("install.device", "an unattended install (install.auto) names no target disk", "set install.device, for example /dev/vda, or auto");
  }

  // k3s: one role per node. provider-kairos picks k3s (server) before k3s-agent
  // (internal/role/p2p/k8s.go NewK8sNodeWithDetector), so the agent block would be ignored.
  const server = c.k3s as Block | undefined;
  const agent = c["k3s-agent"] as Block | undefined;
  if (server?.enabled && agent?.enabled) {
    add("k3s-agent.enabled", "k3s and k3s-agent are both enabled; Kairos starts only the server", "enable one: k3s on servers, k3s-agent on agents");
  }
  for (const [key, block] of [["k3s", server], ["k3s-agent", agent]] as const) {
    if (!block) continue;
    // The provider runs `k3s <role> <args>` as the service command (internal/provider/bootstrap.go
    // oneTimeBootstrap, OverrideCmd), so an argument is in every `ps` listing.
    (block.args ?? []).forEach((arg, i) => {
      if (TOKEN_FLAGS.test(arg.trim())) add(`${key}.args[${i}]`, "a token in the k3s arguments is shown by ps and kept in the service file", `put it in ${K3S_CONFIG_FILE} (mode 0600) instead`);
    });
    for (const name of Object.keys(block.env ?? {})) {
      if (TOKEN_ENV.includes(name)) add(`${key}.env.${name}`, "a token in the k3s environment is kept in the service's environment file and the process environment", `put it in ${K3S_CONFIG_FILE} (mode 0600) instead`);
    }
  }

  // Stages.
  const stages = (c.stages ?? {}) as Record<string, Step[]>;
  for (const [stage, steps] of Object.entries(stages)) {
    if (!isKairosStage(stage)) {
      add(`stages.${stage}`, `Kairos runs no stage called "${stage}", so these steps would never run`, `use a stage from the Kairos docs: ${KAIROS_BOOT_STAGES.join(", ")} (each with .before and .after), after-install, ...`);
    }
    const paths = new Set<string>();
    steps.forEach((step, i) => {
      const at = `stages.${stage}[${i}]`;
      (step.commands ?? []).forEach((cmd, j) => {
        if (cmd.trim() === "") add(`${at}.commands[${j}]`, "the command is empty", "give a shell command");
        else if (!isDeferred(cmd) && hasTemplateAction(cmd)) add(`${at}.commands[${j}]`, templateProblem("command"), TEMPLATE_FIX);
      });
      (step.files ?? []).forEach((f, j) => {
        const field = `${at}.files[${j}]`;
        const path = String(f.path ?? "");
        if (!path.startsWith("/")) add(`${field}.path`, `"${path}" is not an absolute path`, "give a path starting with /");
        if (paths.has(path)) add(`${field}.path`, `"${path}" is written twice in the stage; the last one wins`, "write each path once");
        paths.add(path);
        // yip writes the file, then chmods it to `permissions`, 0 when unset (pkg/plugins/files.go writeFile).
        if (f.permissions === undefined) add(`${field}.permissions`, "no permissions: yip would chmod the file to 0000", "give permissions, for example 420 (0644)");
        const content = typeof f.content === "string" ? f.content : "";
        if (!isDeferred(content)) {
          const text = decodedText(content, String(f.encoding ?? ""));
          if (text === undefined) add(`${field}.content`, `the content is not valid ${String(f.encoding)}`, "encode the content as the encoding says, or drop the encoding");
          else if (hasTemplateAction(text)) add(`${field}.content`, templateProblem("file content"), TEMPLATE_FIX);
        }
      });
    });
  }
  return issues;
}

/** Where k3s reads its config file (docs.k3s.io/installation/configuration). */
const K3S_CONFIG_FILE = "/etc/rancher/k3s/config.yaml";

const TEMPLATE_FIX = 'write each literal {{ as {{"{{"}} (escapeKairosTemplate does this)';

// A Go template action that prints `{{`: what escapeKairosTemplate writes for a literal `{{`.
const ESCAPED_BRACES = '{{"{{"}}';

/**
 * Escapes text for a place Kairos renders as a Go template (file contents, commands): each `{{`
 * becomes an action that prints `{{`, so the node gets the text unchanged. (`}}` outside an action
 * is plain text in Go templates.)
 */
export function escapeKairosTemplate(text: string): string {
  return text.split("{{").join(ESCAPED_BRACES);
}

/** True when `text` holds a `{{` that Kairos would read as the start of a template action. */
export function hasTemplateAction(text: string): boolean {
  return text.split(ESCAPED_BRACES).join("").includes("{{");
}

function templateProblem(what: string): string {
  // yip renders file contents (after decoding) and commands as Go templates with sprig
  // (pkg/plugins/common.go templateSysData; kairos-docs reference/configuration.md "Using templates").
  return `the ${what} holds {{, which Kairos renders as a Go template on the node`;
}

/** The text of a file's content after yip's decoder, or undefined when it does not decode. */
export function decodedText(content: string, encoding: string): string | undefined {
  const b64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;
  try {
    switch (encoding) {
      case "b64":
      case "base64":
        return b64.test(content) ? Buffer.from(content, "base64").toString("utf8") : undefined;
      case "gz+base64":
      case "gzip+base64":
      case "gz+b64":
      case "gzip+b64":
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return b64.test(content) ? (require("node:zlib") as typeof import("node:zlib")).gunzipSync(Buffer.from(content, "base64")).toString("utf8") : undefined;
      default:
        return content;
    }
  } catch {
    return undefined;
  }
}
