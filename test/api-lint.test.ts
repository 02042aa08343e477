import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exclusionKey, lintEntries, lintNodeTypes, readExclusions, words } from "../scripts/api-lint";

// The API lint (scripts/api-lint.ts, run by `npm run api:check`) on two small public APIs: one
// that breaks each rule once, one that keeps them all. The real entry points are linted by
// api:check itself (CI), after the build it needs.
const FIXTURES = join(__dirname, "fixtures", "api-lint");
const bad = lintEntries([{ name: "bad", file: join(FIXTURES, "bad.ts") }]);
const rule = (r: string) => bad.filter((f) => f.rule === r).map((f) => `${f.name}: ${f.message}`);

describe("the API lint", () => {
  it("passes an API that keeps every rule", () => {
    expect(lintEntries([{ name: "good", file: join(FIXTURES, "good.ts") }])).toEqual([]);
  });

  it("asks for a doc comment on every export and every field of a props interface", () => {
    expect(rule("documented")).toEqual(["undocumented: has no doc comment; say what it is for", "WidgetProps.label: has no doc comment"]);
  });

  it("asks an optional prop to say its @default", () => {
    expect(rule("default-doc")).toEqual(["WidgetProps.count: is optional without @default; say what happens when it is left out"]);
  });

  it("asks a construct's constructor for (scope, id, props)", () => {
    expect(rule("construct-ctor")).toEqual(["Widget: constructor is (props, scope, id); a construct takes (scope: Construct, id: string, props)"]);
  });

  it("refuses any in a public signature", () => {
    expect(rule("no-any")).toEqual(["loose: `any` in loose(value); give the type, or unknown"]);
  });

  it("finds one concept under two names: a version twin, a synonym, implementors, a function family", () => {
    const oneName = rule("one-name");
    expect(oneName).toContain("Machine09: is Machine a second time with a version in its name; one name, the version as a prop or type parameter");
    expect(oneName).toContain('FcosStream: spells "fedora core os" as "fcos" (also spelled out in FedoraCoreOs); use one spelling');
    expect(oneName).toContain("LibvirtCluster: implements Binding like AwsBinding, named differently; implementors of one interface end alike");
    expect(oneName).toContain("applyToBar: takes (config, architecture, at) where applyToFoo, applyToBaz take (config, options); one family, one parameter shape");
    expect(oneName).toHaveLength(5);
  });

  it("finds a declaration that needs Node's types a user may not have installed", () => {
    const found = lintNodeTypes([{ name: "fixture", file: join(FIXTURES, "node-types.d.ts") }]);
    expect(found.map((f) => f.rule)).toEqual(["no-node-types"]);
    expect(found[0].message).toMatch(/^TS2591 Cannot find name 'Buffer'/);
  });

  it("splits names into words the way the synonym check reads them", () => {
    expect(words("FedoraCoreOsProps")).toEqual(["fedora", "core", "os", "props"]);
    expect(words("FCOS_AMI_OWNER")).toEqual(["fcos", "ami", "owner"]);
    expect(words("K3sFcosInstall")).toEqual(["k3s", "fcos", "install"]);
  });
});

describe("the API lint's exclusion list", () => {
  it("keys a finding by rule, entry and name, and reads one key a line without comments", () => {
    expect(exclusionKey({ entry: "cdktf-microos", name: "WidgetProps.count", rule: "default-doc", message: "" })).toBe("default-doc cdktf-microos WidgetProps.count");
    expect([...readExclusions("# known\ndocumented cdktf-microos Foo\n\n one-name cdktf-microos Bar # rename\n")]).toEqual(["documented cdktf-microos Foo", "one-name cdktf-microos Bar"]);
  });
});
