/**
 * Test helper: checks a k3OS config the way a node would read it, against the strict schema and
 * k3OS's rules. Returns one message per problem (empty when the config is good).
 */
import { k3osConfigProblems } from "../k3os/read";
import type { K3osCheckOptions } from "../k3os/validate";

/**
 * Validates a rendered config (YAML text) or its object form.
 * YAML is parsed as YAML 1.1, as k3OS's Go parser reads it, so a string that would turn into a
 * boolean or a number shows up as a type error.
 */
export function validateK3osConfig(yamlOrObject: string | object, options: K3osCheckOptions = {}): string[] {
  return k3osConfigProblems(yamlOrObject, options);
}
