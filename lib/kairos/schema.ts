/**
 * A strict JSON schema (draft-07) of the Kairos cloud-config keys this library renders, derived
 * by hand from the structs Kairos decodes the document into. It is data, written here, not code
 * copied from those projects:
 *
 * - the root, `install` and `users` blocks: kairos-io/kairos-sdk schema/root_schema.go,
 *   install_schema.go, users_schema.go (the schema `kairos validate` checks; `users` is required
 *   with at least one item, `install.device` has the pattern `^(auto|/dev/.+|script://.+)$`, and
 *   `install.reboot` / `install.poweroff` are a oneOf where at most one is true);
 * - `k3s` and `k3s-agent`: kairos-io/provider-kairos internal/provider/config/config.go (K3s);
 * - `stages` steps and their `files`: mudler/yip pkg/schema/schema.go (Stage, File; File has no
 *   yaml tags, so yaml.v3 reads the lower-cased field names `path`, `permissions`, `owner`,
 *   `group`, `content`, `encoding`, `ownerstring`);
 * - the cloud-init keys (`hostname`, `write_files`, `runcmd`, `ssh_authorized_keys`) and the
 *   user fields: mudler/yip pkg/schema/cloudinit/config.go.
 *
 * Kairos itself ignores keys it does not know; this schema refuses them (`additionalProperties:
 * false`), because a misspelt key is silently dropped on the node.
 */

const stringList = { type: "array", items: { type: "string" } } as const;
const stringMap = { type: "object", additionalProperties: { type: "string" } } as const;
const anything = {} as const;

// Keys of yip's Stage struct (mudler/yip pkg/schema/schema.go, yaml tags).
const STEP_KEYS = [
  "downloads",
  "directories",
  "ensure_entities",
  "delete_entities",
  "dns",
  "sysctl",
  "authorized_keys",
  "users",
  "modules",
  "systemctl",
  "environment",
  "environment_file",
  "package_pins",
  "packages",
  "unpack_images",
  "after",
  "datasource",
  "layout",
  "systemd_firstboot",
  "timesyncd",
  "git",
  "only_os",
  "only_os_version",
  "only_arch",
  "only_service_manager",
  "if_files",
] as const;

// Keys of the kairos-sdk RootSchema (json tags) this library does not type further.
const ROOT_KEYS_UNTYPED = [
  "bundles",
  "options",
  "p2p",
  "platform",
  "squash-compression",
  "grub_options",
  "env",
  // provider-kairos Config (kubevip, k0s) and the docs' reference (logs, upgrade; reference/configuration.md).
  "kubevip",
  "k0s",
  "k0s-worker",
  "logs",
  "upgrade",
  // yip cloud-init compatibility (pkg/schema/cloudinit/config.go).
  "write_files",
  "milpa_files",
  "growpart",
] as const;

const k3sBlock = {
  type: "object",
  additionalProperties: false,
  properties: {
    enabled: { type: "boolean" },
    env: stringMap,
    args: stringList,
    replace_env: { type: "boolean" },
    replace_args: { type: "boolean" },
    embedded_registry: { type: "boolean" },
  },
} as const;

/** The schema. */
export const KAIROS_CONFIG_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Kairos cloud-config (the keys cdktf-microos renders, strict)",
  type: "object",
  required: ["users"],
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    hostname: { type: "string" },
    users: { type: "array", minItems: 1, items: { $ref: "#/definitions/user" } },
    ssh_authorized_keys: stringList,
    runcmd: stringList,
    install: { $ref: "#/definitions/install" },
    reset: {
      type: "object",
      additionalProperties: false,
      properties: {
        reboot: { type: "boolean" },
        poweroff: { type: "boolean" },
        "reset-persistent": { type: "boolean" },
        "reset-oem": { type: "boolean" },
        "grub-entry-name": { type: "string" },
        system: { type: "object", additionalProperties: false, properties: { source: { type: "string" }, size: { type: "integer", minimum: 0 } } },
      },
    },
    k3s: k3sBlock,
    "k3s-agent": k3sBlock,
    stages: { type: "object", additionalProperties: { type: "array", items: { $ref: "#/definitions/step" } } },
    config_url: { type: "string" },
    fail_on_bundles_errors: { type: "boolean" },
    debug: { type: "boolean" },
    strict: { type: "boolean" },
    "cloud-init-paths": stringList,
    "eject-cd": { type: "boolean" },
    fullcloudconfig: { type: "string" },
    cosign: { type: "boolean" },
    verify: { type: "boolean" },
    "cosign-key": { type: "string" },
    arch: { type: "string" },
    "squash-no-compression": { type: "boolean" },
    "uki-max-entries": { type: "integer" },
    ...Object.fromEntries(ROOT_KEYS_UNTYPED.map((k) => [k, anything])),
  },
  definitions: {
    user: {
      type: "object",
      required: ["name"],
      additionalProperties: false,
      properties: {
        // kairos-sdk users_schema.go: the pattern, unanchored as Kairos writes it.
        name: { type: "string", pattern: "([a-z_][a-z0-9_]{0,30})" },
        passwd: { type: "string" },
        // yip reads lock_passwd; kairos-sdk's schema spells it lockPasswd. Both are accepted.
        lock_passwd: { type: "boolean" },
        lockPasswd: { type: "boolean" },
        groups: stringList,
        ssh_authorized_keys: stringList,
        gecos: { type: "string" },
        homedir: { type: "string" },
        no_create_home: { type: "boolean" },
        primary_group: { type: "string" },
        no_user_group: { type: "boolean" },
        system: { type: "boolean" },
        no_log_init: { type: "boolean" },
        shell: { type: "string" },
        uid: { type: "string" },
      },
    },
    install: {
      type: "object",
      additionalProperties: false,
      properties: {
        auto: { type: "boolean" },
        bind_mounts: stringList,
        bundles: anything,
        no_format: { type: "boolean" },
        device: { type: "string", pattern: "^(auto|/dev/.+|script://.+)$" },
        ephemeral_mounts: stringList,
        encrypted_partitions: stringList,
        env: { type: "array" },
        grub_options: { type: "object" },
        image: { type: "string" },
        skip_copy_kcrypt_plugin: { type: "boolean" },
        partitions: { type: "object" },
        "grub-entry-name": { type: "string" },
        "extra-partitions": { type: "array" },
        force: { type: "boolean" },
        "extra-dirs-rootfs": stringList,
        ssh_hardening: { type: "boolean" },
        system: { type: "object" },
        "recovery-system": { type: "object" },
        passive: { type: "object" },
        reboot: { type: "boolean" },
        poweroff: { type: "boolean" },
      },
      // PowerManagement: NoPowerManagement, RebootOnly or PowerOffOnly (install_schema.go).
      oneOf: [
        { properties: { reboot: { const: false }, poweroff: { const: false } } },
        { required: ["reboot"], properties: { reboot: { const: true }, poweroff: { const: false } } },
        { required: ["poweroff"], properties: { reboot: { const: false }, poweroff: { const: true } } },
      ],
    },
    step: {
      type: "object",
      additionalProperties: false,
      properties: {
        name: { type: "string" },
        // kairos-sdk root_schema.go StageSchema: commands is a list of strings.
        commands: stringList,
        files: { type: "array", items: { $ref: "#/definitions/file" } },
        if: { type: "string" },
        node: { type: "string" },
        hostname: { type: "string" },
        ...Object.fromEntries(STEP_KEYS.map((k) => [k, anything])),
      },
    },
    file: {
      type: "object",
      required: ["path"],
      additionalProperties: false,
      properties: {
        path: { type: "string" },
        permissions: { type: "integer", minimum: 0, maximum: 4095 },
        owner: { type: "integer", minimum: 0 },
        group: { type: "integer", minimum: 0 },
        content: { type: "string" },
        // The decoders yip knows (pkg/plugins/file_decoder.go newDecoder); anything else is read as plain text.
        encoding: { enum: ["", "b64", "base64", "gz", "gzip", "gz+base64", "gzip+base64", "gz+b64", "gzip+b64"] },
        ownerstring: { type: "string" },
      },
    },
  },
} as const;
