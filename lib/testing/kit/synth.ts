/**
 * Synthesizes a stack for a test and wraps the Terraform JSON in something easy to query:
 * resources by type, one resource by name, and every node's decoded provisioning config.
 */
import { Testing, type TerraformStack } from "../../cdktf";
import { findNodes } from "./delivery";
import type { NodeConfig } from "./nodes";

/** A resource or data source type: its Terraform name, or a generated class (`SecurityGroup`) that carries it. */
export type ResourceType = string | { readonly tfResourceType: string };

/** One resource (or data source) of a synthesized stack. */
export interface SynthResource {
  /** Terraform type, for example `aws_security_group`. */
  readonly type: string;
  /** The key cdktf gave it (derived from its construct path). */
  readonly name: string;
  /** `type.name`, as Terraform addresses it. */
  readonly address: string;
  /** Its arguments as synthesized (snake_case, references as `${...}` expressions). */
  readonly values: Readonly<Record<string, unknown>>;
}

/** Terraform's name for a resource type. */
export function resourceTypeName(type: ResourceType): string {
  return typeof type === "string" ? type : type.tfResourceType;
}

/**
 * A synthesized stack: its Terraform JSON and queries on it. Get one from {@link synthStack} (or
 * {@link SynthResult.fromJson} for JSON you already have).
 */
export class SynthResult {
  /** Wraps synthesized Terraform JSON (text or parsed), for example the output of `Testing.synth`. */
  public static fromJson(json: string | Readonly<Record<string, unknown>>): SynthResult {
    const text = typeof json === "string" ? json : JSON.stringify(json, null, 2);
    const parsed = typeof json === "string" ? (JSON.parse(json) as Record<string, unknown>) : json;
    return new SynthResult(text, parsed);
  }

  private nodeCache?: readonly NodeConfig[];

  private constructor(
    /** The Terraform JSON as text. */
    public readonly text: string,
    /** The Terraform JSON, parsed. */
    public readonly json: Readonly<Record<string, unknown>>,
  ) {}

  /** Every resource of a type, in key order. */
  public resources(type: ResourceType): SynthResource[] {
    return this.elements("resource", resourceTypeName(type));
  }

  /** Every data source of a type, in key order. */
  public dataSources(type: ResourceType): SynthResource[] {
    return this.elements("data", resourceTypeName(type));
  }

  /**
   * The one resource of `type` whose key equals `name`, or else the one whose key contains it
   * (keys derive from construct paths, for example `demo_aws-platform_security_workers_44BADD37`,
   * so `"security_workers"` finds that one); or the one a predicate accepts. Throws when none or
   * several match, listing the keys.
   */
  public resource(type: ResourceType, nameOrPredicate: string | ((r: SynthResource) => boolean)): SynthResource {
    const all = this.resources(type);
    const t = resourceTypeName(type);
    let found: SynthResource[];
    if (typeof nameOrPredicate === "string") {
      const exact = all.filter((r) => r.name === nameOrPredicate);
      found = exact.length ? exact : all.filter((r) => r.name.includes(nameOrPredicate));
    } else {
      found = all.filter(nameOrPredicate);
    }
    const what = typeof nameOrPredicate === "string" ? `"${nameOrPredicate}"` : "the predicate";
    if (found.length === 1) return found[0];
    if (found.length === 0) {
      throw new Error(`no ${t} matches ${what}; the stack has ${all.length ? all.map((r) => r.name).join(", ") : "none"}`);
    }
    throw new Error(`${found.length} ${t} resources match ${what}: ${found.map((r) => r.name).join(", ")}; give a longer part of the key`);
  }

  /** The stack's `locals`. */
  public get locals(): Readonly<Record<string, unknown>> {
    return (this.json.locals ?? {}) as Record<string, unknown>;
  }

  /**
   * Every node's decoded provisioning config, sorted by name. An AWS worker pool in an
   * autoscaling group is one entry named after the pool (its launch template's config).
   */
  public nodes(): readonly NodeConfig[] {
    this.nodeCache ??= findNodes(this.json);
    return this.nodeCache;
  }

  /** The node (or AWS pool) called `name`; throws listing the names when there is none. */
  public node(name: string): NodeConfig {
    const n = this.nodes().find((x) => x.name === name);
    if (!n) {
      const pools = this.nodes().filter((x) => x.pool !== undefined);
      const hint = pools.length ? ` (an AWS pool in an autoscaling group is one node named after the pool: ${pools.map((x) => x.name).join(", ")})` : "";
      throw new Error(`the stack has no node called "${name}"; it has ${this.nodes().map((x) => x.name).join(", ") || "none"}${hint}`);
    }
    return n;
  }

  private elements(kind: "resource" | "data", type: string): SynthResource[] {
    const group = ((this.json[kind] ?? {}) as Record<string, Record<string, Record<string, unknown>>>)[type] ?? {};
    return Object.keys(group)
      .sort()
      .map((name) => ({ type, name, address: kind === "data" ? `data.${type}.${name}` : `${type}.${name}`, values: group[name] }));
  }
}

/**
 * Synthesizes `stack` as `cdktf synth` would, with validations run (so a construct's
 * `addValidation` errors fail the test), and returns the result to query.
 */
export function synthStack(stack: TerraformStack): SynthResult {
  return SynthResult.fromJson(Testing.synth(stack, true));
}

/** The same as {@link synthStack}: reads better in a test about a cluster. */
export const synthCluster = synthStack;
