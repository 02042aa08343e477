/** Reading and checking a k3OS config as k3OS reads it: the format's reader and validator. */
import { parse } from "yaml";
import { checkK3osObject, type K3osCheckOptions } from "./validate";

/**
 * Reads a k3OS config as k3OS does: YAML 1.1 (ghodss/yaml over go-yaml v2, rancher/k3os
 * pkg/config/read.go), so a string that would turn into a boolean or a number reads as one.
 */
export function readK3os(text: string): Record<string, unknown> {
  const config: unknown = parse(text, { version: "1.1" }) ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new Error("the config is not a YAML mapping");
  return config as Record<string, unknown>;
}

/**
 * Checks a rendered config (YAML text) or its object form against the strict schema and k3OS's
 * rules; one message per problem, empty when the config is good.
 */
export function k3osConfigProblems(yamlOrObject: string | object, options: K3osCheckOptions = {}): string[] {
  let obj: unknown = yamlOrObject;
  if (typeof yamlOrObject === "string") {
    try {
      obj = parse(yamlOrObject, { version: "1.1" }) ?? {};
    } catch (e) {
      return [`(yaml): ${(e as Error).message}`];
    }
  }
  return checkK3osObject(obj, options).map((i) => `${i.field}: ${i.problem}. Fix: ${i.fix}`);
}

