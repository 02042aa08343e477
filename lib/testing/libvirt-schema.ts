/**
 * Checks synthesized Terraform JSON against the dmacvicar/libvirt 0.9.7 provider schema
 * (schemas/libvirt-0.9.7.provider-schema.json, derived by scripts/derive-libvirt-0.9-schema.ts), in
 * the `terraform providers schema -json` format: every `libvirt_*` resource and data source,
 * attribute by attribute and nested attribute by nested attribute (Plugin Framework: `nested_type`
 * with nesting mode single, list, set or map). The checker also reads SDKv2 blocks, for the schemas
 * of other providers (checkProviderResources).
 * No cdktf here: it reads plain JSON, for example `JSON.parse(Testing.synth(stack))`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * An attribute's type as `terraform providers schema -json` writes it: a primitive (`"string"`,
 * `"number"`, `"bool"`, `"dynamic"`), `[kind, element]` for a list, set or map, or
 * `["object", attributes]`.
 */
export type SchemaType = string | [string, SchemaType] | [string, Record<string, SchemaType>];

/** An attribute of a schema block: its type or nested type, and whether it is required, optional or computed. */
export interface SchemaAttribute {
  readonly type?: SchemaType;
  /** A Plugin Framework nested attribute (`name = { ... }` or `name = [{ ... }]`, never a block). */
  readonly nested_type?: NestedType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
}

/** The attributes of a Plugin Framework nested attribute, and how they nest (one object, or a list, set or map of them). */
export interface NestedType {
  readonly attributes: Record<string, SchemaAttribute>;
  readonly nesting_mode: "single" | "list" | "set" | "map";
}

/** A block of a schema (a resource's, a data source's or a provider's): its attributes and nested block types. */
export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<string, SchemaBlockType>;
}

/** A nested block type (SDKv2 blocks): how its blocks nest, their schema, and how many there may be. */
export interface SchemaBlockType {
  readonly nesting_mode: "single" | "list" | "set" | "map" | "group";
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

/** One provider's part of a `terraform providers schema -json` document. */
export interface ProviderSchema {
  readonly provider?: { block: SchemaBlock };
  readonly resource_schemas: Record<string, { block: SchemaBlock }>;
  readonly data_source_schemas?: Record<string, { block: SchemaBlock }>;
}

/** Terraform meta-arguments allowed on any resource or data source, not in the provider schema. */
const META_ARGUMENTS = new Set(["count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection", "//"]);

/** The dmacvicar/libvirt version whose schema is in schemas/ (the version the platform pins). */
export const LIBVIRT_SCHEMA_VERSION = "0.9.7";

const FQPN = "registry.terraform.io/dmacvicar/libvirt";

let cached: ProviderSchema | undefined;
/** The dmacvicar/libvirt 0.9.7 schema, from the package's schemas/ folder. */
export function libvirtProviderSchema(): ProviderSchema {
  let schema = cached;
  if (!schema) {
    const name = `libvirt-${LIBVIRT_SCHEMA_VERSION}.provider-schema.json`;
    // lib/testing (sources) and dist/lib/testing (build) sit two or three levels below the package root.
    const file = [path.join(__dirname, "..", "..", "schemas", name), path.join(__dirname, "..", "..", "..", "schemas", name)].find((f) => fs.existsSync(f));
    if (!file) throw new Error(`schemas/${name} not found beside the package`);
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    schema = doc.provider_schemas[FQPN] as ProviderSchema;
    cached = schema;
  }
  return schema;
}

/**
 * Returns one message per problem (empty when everything conforms): a stack that pins another
 * libvirt provider version than the schema's, unknown attribute, missing required attribute,
 * read-only attribute set, wrong type (string, number, bool, list, set, map, object; a `${...}`
 * Terraform expression string stands for any type), an object where a list of nested objects
 * belongs.
 */
export function checkLibvirtResources(synthJson: object): string[] {
  const pin = (synthJson as { terraform?: { required_providers?: { libvirt?: { version?: unknown } } } }).terraform?.required_providers?.libvirt?.version;
  const pinned = pin === undefined || pin === LIBVIRT_SCHEMA_VERSION || pin === `= ${LIBVIRT_SCHEMA_VERSION}` ? [] : [`terraform.required_providers.libvirt.version: pins ${JSON.stringify(pin)}, but the schema checked is ${LIBVIRT_SCHEMA_VERSION}'s`];
  const schema = libvirtProviderSchema();
  return [...pinned, ...checkProviderConfig(synthJson, schema, "libvirt"), ...checkProviderResources(synthJson, schema, "libvirt_")];
}

/** Checks the `provider.<name>` blocks (every alias) against the provider's own schema. */
export function checkProviderConfig(synthJson: object, schema: ProviderSchema, name: string): string[] {
  const problems: string[] = [];
  const section = (synthJson as Record<string, unknown>).provider;
  if (!isObject(section) || section[name] === undefined || !schema.provider) return problems;
  const configs = Array.isArray(section[name]) ? (section[name] as unknown[]) : [section[name]];
  configs.forEach((config, i) => {
    if (!isObject(config)) {
      problems.push(`provider.${name}[${i}]: expected an object`);
      return;
    }
    const { alias: _alias, ...rest } = config;
    checkBlock(`provider.${name}[${i}]`, rest, schema.provider!.block, problems, false);
  });
  return problems;
}

/**
 * The same check for any provider schema: every resource and data source whose type starts with
 * `typePrefix`.
 */
export function checkProviderResources(synthJson: object, schema: ProviderSchema, typePrefix: string): string[] {
  const problems: string[] = [];
  const doc = synthJson as Record<string, unknown>;
  const kinds: Array<["resource" | "data", Record<string, { block: SchemaBlock }>]> = [
    ["resource", schema.resource_schemas],
    ["data", schema.data_source_schemas ?? {}],
  ];
  for (const [kind, schemas] of kinds) {
    const section = doc[kind];
    if (!isObject(section)) continue;
    for (const [type, instances] of Object.entries(section)) {
      if (!type.startsWith(typePrefix)) continue;
      const typeSchema = schemas[type];
      if (!isObject(instances)) continue;
      for (const [name, body] of Object.entries(instances)) {
        const where = `${kind === "data" ? "data." : ""}${type}.${name}`;
        if (!typeSchema) {
          problems.push(`${where}: unknown ${kind === "data" ? "data source" : "resource"} type \`${type}\``);
          continue;
        }
        if (!isObject(body)) {
          problems.push(`${where}: expected an object`);
          continue;
        }
        checkBlock(where, body, typeSchema.block, problems, true);
      }
    }
  }
  return problems;
}

function checkBlock(
  where: string,
  body: Record<string, unknown>,
  block: SchemaBlock,
  problems: string[],
  topLevel: boolean,
  inNestedAttribute = false,
): void {
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [key, value] of Object.entries(body)) {
    if (topLevel && META_ARGUMENTS.has(key)) continue;
    if (key === "dynamic" && !inNestedAttribute) {
      checkDynamic(where, value, blocks, problems);
      continue;
    }
    const attr = attributes[key];
    if (attr) {
      if (attr.computed && !attr.optional && !attr.required) {
        problems.push(`${where}.${key}: read-only (computed) attribute cannot be set`);
      } else if (attr.nested_type && value !== null) {
        checkNestedAttribute(`${where}.${key}`, value, attr.nested_type, problems);
      } else if (attr.type !== undefined && value !== null) {
        checkType(`${where}.${key}`, value, attr.type, problems);
      }
      continue;
    }
    const nested = blocks[key];
    if (nested) {
      checkNestedBlock(`${where}.${key}`, value, nested, problems);
      continue;
    }
    problems.push(`${where}.${key}: unknown attribute or block`);
  }
  for (const [key, attr] of Object.entries(attributes)) {
    if (attr.required && (body[key] === undefined || body[key] === null)) {
      problems.push(`${where}.${key}: required attribute missing`);
    }
  }
  for (const [key, nested] of Object.entries(blocks)) {
    if (nested.min_items && nested.min_items > 0 && body[key] === undefined) {
      problems.push(`${where}.${key}: at least ${nested.min_items} block(s) required, found 0`);
    }
  }
}

/**
 * A nested attribute's value: one object (single), a list of objects (list, set) or an object of
 * objects (map). Unlike a block, a list nested attribute does not take a lone object.
 */
function checkNestedAttribute(where: string, value: unknown, nested: NestedType, problems: string[]): void {
  if (isExpression(value)) return;
  const inner: SchemaBlock = { attributes: nested.attributes };
  const one = (at: string, item: unknown): void => {
    if (isExpression(item) || item === null) return;
    if (!isObject(item)) problems.push(`${at}: expected an object, got ${describe(item)}`);
    else checkBlock(at, item, inner, problems, false, true);
  };
  if (nested.nesting_mode === "single") {
    one(where, value);
  } else if (nested.nesting_mode === "map") {
    if (!isObject(value)) problems.push(`${where}: expected a map of objects, got ${describe(value)}`);
    else for (const [k, v] of Object.entries(value)) one(`${where}.${k}`, v);
  } else if (!Array.isArray(value)) {
    problems.push(`${where}: expected a ${nested.nesting_mode} of objects, got ${describe(value)}`);
  } else {
    value.forEach((item, i) => one(`${where}[${i}]`, item));
  }
}

/** `dynamic "<block>" { for_each, iterator, content }` (Terraform JSON syntax): checks each content. */
function checkDynamic(where: string, value: unknown, blocks: Record<string, SchemaBlockType>, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(`${where}.dynamic: expected an object of dynamic blocks, got ${describe(value)}`);
    return;
  }
  for (const [name, spec] of Object.entries(value)) {
    const nested = blocks[name];
    if (!nested) {
      problems.push(`${where}.dynamic.${name}: unknown block`);
      continue;
    }
    const specs = Array.isArray(spec) ? spec : [spec];
    specs.forEach((d) => {
      if (!isObject(d) || !("for_each" in d)) {
        problems.push(`${where}.dynamic.${name}: expected { for_each, content }`);
        return;
      }
      if (isObject(d.content)) checkBlock(`${where}.dynamic.${name}.content`, d.content, nested.block, problems, false);
    });
  }
}

function checkNestedBlock(where: string, value: unknown, nested: SchemaBlockType, problems: string[]): void {
  if (isExpression(value)) return;
  if (nested.nesting_mode === "single" || nested.nesting_mode === "group") {
    if (!isObject(value)) {
      problems.push(`${where}: expected a single block (object), got ${describe(value)}`);
      return;
    }
    checkBlock(where, value, nested.block, problems, false);
    return;
  }
  if (nested.nesting_mode === "map") {
    if (!isObject(value)) {
      problems.push(`${where}: expected a map of blocks, got ${describe(value)}`);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (isObject(v)) checkBlock(`${where}.${k}`, v, nested.block, problems, false);
      else problems.push(`${where}.${k}: expected a block (object), got ${describe(v)}`);
    }
    return;
  }
  // list or set: Terraform JSON also accepts one object for a block that appears once.
  const items = Array.isArray(value) ? value : [value];
  if (nested.max_items !== undefined && items.length > nested.max_items) {
    problems.push(`${where}: at most ${nested.max_items} block(s) allowed, found ${items.length}`);
  }
  if (nested.min_items !== undefined && items.length < nested.min_items) {
    problems.push(`${where}: at least ${nested.min_items} block(s) required, found ${items.length}`);
  }
  items.forEach((item, i) => {
    if (isExpression(item)) return;
    if (!isObject(item)) {
      problems.push(`${where}[${i}]: expected a block (object), got ${describe(item)}`);
      return;
    }
    checkBlock(`${where}[${i}]`, item, nested.block, problems, false);
  });
}

function checkType(where: string, value: unknown, type: SchemaType, problems: string[]): void {
  if (isExpression(value)) return;
  if (typeof type === "string") {
    switch (type) {
      case "string":
        // Terraform converts numbers and bools to strings.
        if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
          problems.push(`${where}: expected string, got ${describe(value)}`);
        }
        return;
      case "number":
        if (typeof value !== "number" && !(typeof value === "string" && /^-?[0-9]+(\.[0-9]+)?$/.test(value))) {
          problems.push(`${where}: expected number, got ${describe(value)}`);
        }
        return;
      case "bool":
        if (typeof value !== "boolean" && value !== "true" && value !== "false") {
          problems.push(`${where}: expected bool, got ${describe(value)}`);
        }
        return;
      case "dynamic":
        return;
      default:
        problems.push(`${where}: schema type \`${type}\` not understood by the checker`);
        return;
    }
  }
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") {
    if (!Array.isArray(value)) {
      problems.push(`${where}: expected ${kind}, got ${describe(value)}`);
      return;
    }
    value.forEach((v, i) => checkType(`${where}[${i}]`, v, inner as SchemaType, problems));
    return;
  }
  if (kind === "map") {
    if (!isObject(value)) {
      problems.push(`${where}: expected map, got ${describe(value)}`);
      return;
    }
    for (const [k, v] of Object.entries(value)) checkType(`${where}.${k}`, v, inner as SchemaType, problems);
    return;
  }
  if (kind === "object") {
    if (!isObject(value)) {
      problems.push(`${where}: expected object, got ${describe(value)}`);
      return;
    }
    const fields = inner as Record<string, SchemaType>;
    for (const [k, v] of Object.entries(value)) {
      if (!(k in fields)) problems.push(`${where}.${k}: unknown object attribute`);
      else checkType(`${where}.${k}`, v, fields[k], problems);
    }
    return;
  }
  problems.push(`${where}: schema type \`${kind}\` not understood by the checker`);
}

/** A string that is (or holds) a Terraform expression; it can stand for a value of any type. */
function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
