// Types only: @cdktf/provider-random is an optional peer, loaded when a random token is bound.
import type * as RandomPassword from "@cdktf/provider-random/lib/password";
import type * as RandomProviderModule from "@cdktf/provider-random/lib/provider";
import { isDeferred } from "../core/deferred";
import { MicroOsError } from "../core/errors";
import { type PeerUse, requirePeer } from "../core/peer";
import { checkProps, int, object, optional, type ShapeOf, str } from "../core/props";
import { type Construct, Fn, TerraformProvider, TerraformStack, TerraformVariable, VariableType } from "../cdktf";
import { type NameOwner, refuseNameClash } from "./terraform-names";

/**
 * Where the k3s cluster token comes from. It reaches every node's config as an apply-time value
 * and only ever leaves Terraform as a sensitive output.
 */
export abstract class ClusterToken {
  /**
   * A `random_password` (hashicorp/random), generated once at the first apply and kept in state.
   * Needs the random provider, which the cluster adds to the stack when it is missing, and the
   * optional peer package `@cdktf/provider-random` (loaded only here; without it binding fails
   * with an error naming the version to install).
   */
  public static random(props: { readonly length?: number } = {}): ClusterToken {
    // random_password takes any length >= 1 (hashicorp/random docs, password "length"); fewer than
    // 16 letters and digits is a guessable cluster secret, so the library asks for 16 to 1024.
    checkProps("ClusterToken.random", "", props, RANDOM_PROPS);
    return new RandomToken(props.length ?? 48);
  }

  /** A sensitive Terraform variable the operator supplies (`TF_VAR_<name>`). */
  public static fromVariable(props: { readonly name?: string } = {}): ClusterToken {
    checkProps("ClusterToken.fromVariable", "", props, VARIABLE_PROPS);
    return new VariableToken(props.name);
  }

  /**
   * A value from elsewhere, for example a secret read by a data source (`secret.secretString`).
   * It must be a Terraform reference, not a literal, so the secret never sits in the program.
   */
  public static fromSecretValue(value: string): ClusterToken {
    checkProps("ClusterToken.fromSecretValue", "value", value, str({ fix: "pass a Terraform reference to the secret, for example secret.secretString" }));
    return new ValueToken(value);
  }

  /** @internal creates what the token needs in `scope` and returns the value. */
  public abstract _bind(scope: Construct): string;
}

// Terraform identifiers: letters, digits, underscores and hyphens, not starting with a digit or
// hyphen; variables may not be named source, version, providers, count, for_each, lifecycle,
// depends_on or locals (Terraform language docs, "Identifiers" and "Input Variables").
const RESERVED_VARIABLE_NAMES = ["source", "version", "providers", "count", "for_each", "lifecycle", "depends_on", "locals"];
const VARIABLE_NAME = str({
  pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/,
  what: "a Terraform variable name",
  tokens: false,
  fix: "use letters, digits, _ and -, starting with a letter or _, for example k3s_token",
  test: (n) => (RESERVED_VARIABLE_NAMES.includes(n) ? "is a name Terraform reserves" : undefined),
});

// The factories' props at run time, typed against their parameters.
const RANDOM_PROPS = object({ length: optional(int({ min: 16, max: 1024, fix: "give a length of 16 to 1024 characters, for example 48" })) } satisfies ShapeOf<NonNullable<Parameters<typeof ClusterToken.random>[0]>>);
const VARIABLE_PROPS = object({ name: optional(VARIABLE_NAME) } satisfies ShapeOf<NonNullable<Parameters<typeof ClusterToken.fromVariable>[0]>>);

class RandomToken extends ClusterToken {
  constructor(private readonly length: number) {
    super();
  }
  public _bind(scope: Construct): string {
    const use: PeerUse = {
      at: scope.node.path,
      field: "kubernetes.token",
      what: "ClusterToken.random() (the default token)",
      otherwise: "pass kubernetes.token: ClusterToken.fromVariable() or ClusterToken.fromSecretValue(...)",
    };
    const { Password } = requirePeer<typeof RandomPassword>("@cdktf/provider-random", "lib/password", use);
    const { RandomProvider } = requirePeer<typeof RandomProviderModule>("@cdktf/provider-random", "lib/provider", use);
    const stack = TerraformStack.of(scope);
    const hasRandom = stack.node
      .findAll()
      .some((c) => c instanceof TerraformProvider && c.terraformResourceType === "random");
    if (!hasRandom) new RandomProvider(stack, "random");
    // Letters and digits only: the token lands in YAML and data URLs without quoting concerns.
    return new Password(scope, "ClusterToken", { length: this.length, special: false }).result;
  }
}

class VariableToken extends ClusterToken {
  constructor(private readonly name?: string) {
    super();
  }
  public _bind(scope: Construct): string {
    const v = new (this.name ? NamedVariable : TerraformVariable)(scope, "ClusterToken", {
      type: VariableType.STRING,
      sensitive: true,
      nullable: false,
      description: "k3s cluster token (a secret of printable ASCII, no spaces); keep it stable for the cluster's life",
    });
    if (this.name) {
      v.overrideLogicalId(this.name);
      refuseNameClash(v, tokenNameOwner(scope, this.name));
    }
    // After the name is set: a reference fixes the variable's name.
    // The same rule as the synth-time check (lib/core/k3s.ts k3sTokenProblem: no white space),
    // narrowed to printable ASCII: Terraform pastes the token into YAML (k3OS, Kairos, the k3s
    // config file), where DEL, C1 controls and line breaks would not read back unchanged.
    v.addValidation({
      condition: Fn.can(Fn.regex("^[!-~]+$", v.stringValue)),
      errorMessage: "The k3s token must be printable ASCII without spaces or line breaks.",
    });
    return v.stringValue;
  }
}

function tokenNameOwner(scope: Construct, name: string): NameOwner {
  return { at: scope.node.path, field: "kubernetes.token", fix: `give ClusterToken.fromVariable({ name }) a name other than "${name}", or rename your own variable` };
}

/** The token variable under the user's name: checked again at synth against variables added since (./terraform-names.ts). */
class NamedVariable extends TerraformVariable {
  public override toTerraform(): unknown {
    refuseNameClash(this, tokenNameOwner(this.node.scope!, this.friendlyUniqueId));
    return super.toTerraform();
  }

  public override toHclTerraform(): unknown {
    refuseNameClash(this, tokenNameOwner(this.node.scope!, this.friendlyUniqueId));
    return super.toHclTerraform();
  }
}

class ValueToken extends ClusterToken {
  constructor(private readonly value: string) {
    super();
  }
  public _bind(scope: Construct): string {
    if (!isDeferred(this.value)) {
      throw new MicroOsError(
        scope.node.path,
        "kubernetes.token",
        "the token is a literal string, which would sit in the program and in plain state",
        "pass a Terraform reference (a secret data source's attribute), or use ClusterToken.fromVariable()",
      );
    }
    return this.value;
  }
}
