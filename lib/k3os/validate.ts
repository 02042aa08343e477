/**
 * Checks a k3OS config object: the strict schema (schemas/k3os-config.schema.json, draft-07) and
 * the rules k3OS applies that a schema cannot say.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv";
import { isDeferred } from "../core/deferred";
import { MicroOsError } from "../core/errors";
import type { Problem } from "../core/errors";
import { isK3sServerUrl, K3S_API_PORT, k3sTokenProblem, K3sTokenUse } from "../core/k3s";
import { checkLabel, isProblem, parseTaint } from "../core/kubernetes";
import { decodeProblem } from "./decode";

/** How a k3OS config reaches the node. */
export enum K3osDelivery {
  /**
   * Cloud user data (AWS, a `cdrom` NoCloud ISO, other datasources). k3OS applies it only in its
   * runtime phase (rancher/k3os README, "Phases"; k3os#99), so `boot_cmd` and `init_cmd` would do
   * nothing and are refused. (`install` keys stay: the installer reads its config through the same
   * readers, user data included; rancher/k3os pkg/cliinstall/install.go, pkg/config/read.go.)
   */
  USER_DATA = "user-data",
  /**
   * The system config, /k3os/system/config.yaml, written at install time (`k3os.install.config_url`,
   * or baked into an image). It is read in every phase (initrd, boot, runtime).
   */
  SYSTEM = "system",
}

/** One problem with a config: where, what, and how to fix it. */
/** A problem in a k3OS config. */
export type K3osIssue = Problem;

/** Options for checking. */
export interface K3osCheckOptions {
  /** @default K3osDelivery.USER_DATA */
  readonly delivery?: K3osDelivery;
}

// Keys with no mark in the README's "runtime" column (rancher/k3os README, "Phases").
const NOT_IN_RUNTIME_PHASE: readonly string[] = ["boot_cmd", "init_cmd"];

let validator: ValidateFunction | undefined;

/** The strict schema, from the package's schemas/ folder. */
export function k3osSchema(): object {
  // lib/k3os (sources) and dist/lib/k3os (build) sit two or three levels below the package root.
  for (const up of [["..", ".."], ["..", "..", ".."]]) {
    const p = join(__dirname, ...up, "schemas", "k3os-config.schema.json");
    if (existsSync(p)) return JSON.parse(readFileSync(p, "utf8")) as object;
  }
  throw new Error("schemas/k3os-config.schema.json not found beside the package");
}

function schemaValidator(): ValidateFunction {
  if (!validator) {
    // ajv (some 60 modules) loads at the first check, not when the package is imported: a
    // Flatcar-only app imports this module through the package index but never checks k3OS.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = (require("ajv") as typeof import("ajv")).default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(k3osSchema());
  }
  return validator;
}

/** Every problem with `config` (a parsed config.yaml), schema first, then k3OS's rules. */
export function checkK3osObject(config: unknown, options: K3osCheckOptions = {}): K3osIssue[] {
  const validate = schemaValidator();
  if (!validate(config)) return (validate.errors ?? []).map(schemaIssue);
  return semanticIssues(config as Record<string, unknown>, options.delivery ?? K3osDelivery.USER_DATA);
}

/** Throws the first problem as a MicroOsError. */
export function assertK3osObject(config: unknown, options: K3osCheckOptions = {}): void {
  const [first] = checkK3osObject(config, options);
  if (first) throw new MicroOsError("k3os", first.field, first.problem, first.fix);
}

function schemaIssue(e: ErrorObject): K3osIssue {
  const field = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(top level)";
  if (e.keyword === "additionalProperties") {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { field: field === "(top level)" ? extra : `${field}.${extra}`, problem: "k3OS has no such key (strict schema)", fix: "remove it, or use the snake_case key the k3OS README names" };
  }
  if (e.keyword === "pattern" && /permissions$/.test(field)) {
    return { field, problem: "the permissions are not an octal string", fix: 'give an octal mode as a string, for example "0644"' };
  }
  if (e.keyword === "enum") {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ");
    return { field, problem: "the value is not one k3OS accepts (strict schema)", fix: `use one of ${allowed}` };
  }
  if (e.keyword === "type") {
    return { field, problem: `the value is not of type ${(e.params as { type: string }).type} (strict schema)`, fix: `give a ${(e.params as { type: string }).type}` };
  }
  return { field, problem: `${e.message ?? "invalid"} (strict schema)`, fix: "follow the k3OS README's Configuration Reference" };
}

function semanticIssues(c: Record<string, unknown>, delivery: K3osDelivery): K3osIssue[] {
  const issues: K3osIssue[] = [];
  const k = (c.k3os ?? {}) as Record<string, unknown>;

  if (delivery === K3osDelivery.USER_DATA) {
    for (const key of NOT_IN_RUNTIME_PHASE) {
      if (c[key] !== undefined) {
        issues.push({
          field: key,
          problem: "k3OS applies config from cloud user data only in its runtime phase, so this key would be ignored",
          fix: "use run_cmd, or deliver this config as the install-time system config (delivery: K3osDelivery.SYSTEM)",
        });
      }
    }
  }

  if (k.sysctl !== undefined && k.sysctls !== undefined) {
    issues.push({ field: "k3os.sysctl", problem: "both sysctl and sysctls are set; k3OS keeps only one", fix: "put every sysctl under k3os.sysctls" });
  }

  const args = k.k3s_args as string[] | undefined;
  const serverUrl = k.server_url as string | undefined;
  const token = k.token as string | undefined;
  if (args !== undefined) {
    if (args.length === 0 || (args[0] !== "server" && args[0] !== "agent")) {
      issues.push({ field: "k3os.k3s_args[0]", problem: "k3s_args must start with server or agent", fix: 'put "server" or "agent" first' });
    } else if (args[0] === "agent" && serverUrl === undefined) {
      issues.push({ field: "k3os.server_url", problem: "an agent needs the URL of a server to join", fix: `set k3os.server_url to https://<server>:${K3S_API_PORT}` });
    } else if (args[0] === "agent" && args.some((a) => a === "--cluster-init" || a.startsWith("--cluster-init="))) {
      issues.push({ field: "k3os.k3s_args", problem: "--cluster-init is a server flag", fix: 'remove it, or start k3s_args with "server"' });
    }
    if (serverUrl !== undefined && args.some((a) => a === "--cluster-init" || a === "--cluster-init=true")) {
      issues.push({ field: "k3os.k3s_args", problem: "--cluster-init starts a new cluster, but server_url joins an existing one", fix: "remove server_url on the first server, or --cluster-init on the others" });
    }
    if (args.some((a) => a === "--token" || a.startsWith("--token=") || a === "-t" || a.startsWith("--agent-token"))) {
      issues.push({ field: "k3os.k3s_args", problem: "a token in k3s_args ends up in the process list and the service file", fix: "set k3os.token instead" });
    }
  }
  if (serverUrl !== undefined) {
    if (!isK3sServerUrl(serverUrl)) {
      issues.push({ field: "k3os.server_url", problem: "the server URL is not https://<host>[:port]", fix: `give https://<server>:${K3S_API_PORT}` });
    }
    if (token === undefined) {
      issues.push({ field: "k3os.token", problem: "a node that joins a server needs the cluster token", fix: "set k3os.token to the cluster secret or a K10 node token" });
    }
  }
  if (token !== undefined) {
    // k3OS passes a K10 token as K3S_TOKEN, anything else as a cluster secret (rancher/k3os
    // pkg/cc/funcs.go); the token rules are k3s's (lib/core/k3s.ts).
    const use = serverUrl === undefined ? K3sTokenUse.START : args?.[0] === "agent" ? K3sTokenUse.JOIN_AGENT : args?.[0] === "server" ? K3sTokenUse.JOIN_SERVER : K3sTokenUse.UNKNOWN;
    const p = k3sTokenProblem(token, use);
    if (p) issues.push({ field: "k3os.token", problem: p.problem, fix: p.fix });
  }

  for (const [key, value] of Object.entries((k.labels ?? {}) as Record<string, string>)) {
    const p = checkLabel(key, value);
    if (p) issues.push({ field: `k3os.labels[${key}]`, problem: p.problem, fix: p.fix });
  }
  ((k.taints ?? []) as string[]).forEach((t, i) => {
    if (isDeferred(t)) return;
    const parsed = parseTaint(t);
    if (isProblem(parsed)) issues.push({ field: `k3os.taints[${i}]`, problem: parsed.problem, fix: parsed.fix });
  });

  const files = (c.write_files ?? []) as Array<Record<string, string | undefined>>;
  const seen = new Set<string>();
  files.forEach((f, i) => {
    const field = `write_files[${i}]`;
    const path = f.path ?? "";
    if (!path.startsWith("/")) issues.push({ field: `${field}.path`, problem: `"${path}" is not an absolute path`, fix: "give a path starting with /" });
    if (seen.has(path)) issues.push({ field: `${field}.path`, problem: `"${path}" is written twice; the last one wins`, fix: "write each path once" });
    seen.add(path);
    if (f.encoding && f.content !== undefined && !isDeferred(f.content)) {
      const p = decodeProblem(f.content, f.encoding);
      if (p) issues.push({ field: `${field}.content`, problem: `${p}; k3OS logs the error and skips the file`, fix: `encode the content as ${f.encoding}, or drop the encoding` });
    }
  });
  return issues;
}

