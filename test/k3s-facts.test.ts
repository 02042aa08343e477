/**
 * The k3s facts and name rules every layer shares (lib/core/k3s.ts, lib/core/names.ts), and that
 * each layer uses them rather than a copy: the k3s node check, k3OS's config and the AWS port.
 */
import { describe, expect, it } from "vitest";
import { isK3sReleaseTag, isK3sServerUrl, K3S_API_PORT, k3sTokenProblem, K3sTokenUse } from "../lib/core/k3s";
import { isDnsLabel, isDnsSubdomain, isHostName } from "../lib/core/names";
import { isDnsLabel as isDnsLabelOfNode } from "../lib/core/node";
import { K3osConfig, tokenProblem } from "../lib/k3os";
import { K3S_API_PORT as AWS_K3S_API_PORT } from "../lib/platform/aws/security";

const SECURE = `K10${"a".repeat(64)}::server:pw`;
const AGENT_TOKEN = `K10${"a".repeat(64)}::node:pw`;
const TOKEN = "${TfToken[TOKEN.1]}";

describe("k3s release tags", () => {
  it("accepts k3s tags, release candidates included", () => {
    for (const v of ["v1.36.4+k3s1", "v1.22.2+k3s2", "v1.32.0-rc1+k3s1"]) expect(isK3sReleaseTag(v)).toBe(true);
  });

  it("refuses what is not a k3s tag", () => {
    for (const v of ["1.31.4", "v1.31.4", "v1.31.4-k3s1", "v0.22.2-k3s2r0", "v2.0.0+k3s1", "", undefined, 131]) expect(isK3sReleaseTag(v)).toBe(false);
  });
});

describe("the API port", () => {
  it("is 6443, and the AWS security groups use the same constant", () => {
    expect(K3S_API_PORT).toBe(6443);
    expect(AWS_K3S_API_PORT).toBe(K3S_API_PORT);
  });
});

describe("server URLs", () => {
  it("accepts https://<host>[:port][/]", () => {
    for (const url of ["https://10.0.0.10:6443", "https://api.example.com", "https://api:6443/"]) expect(isK3sServerUrl(url)).toBe(true);
  });

  it("checks the literal parts of an apply-time URL", () => {
    expect(isK3sServerUrl(`https://${TOKEN}:6443`)).toBe(true);
    expect(isK3sServerUrl(TOKEN)).toBe(true);
    expect(isK3sServerUrl(`http://${TOKEN}:6443`)).toBe(false);
  });

  it("refuses other schemes, paths and spaces", () => {
    for (const url of ["http://10.0.0.10:6443", "10.0.0.10:6443", "https://a:6443/path", "https://a b:6443", "https://a:123456"]) expect(isK3sServerUrl(url)).toBe(false);
  });

  it("are checked by the same rule in the k3s node model and in k3OS's config", () => {
    expect(() => new K3osConfig().setServerUrl(`http://${TOKEN}:6443`)).toThrow(/k3os\.server_url: .* is not a k3s server URL\. Fix: give https:\/\/<host>:6443/);
    expect(new K3osConfig().setServerUrl(`https://${TOKEN}:6443`).toObject().k3os!.server_url).toBe(`https://${TOKEN}:6443`);
  });
});

describe("tokens", () => {
  const cases: Array<[string, string, K3sTokenUse, string | undefined]> = [
    ["an empty token", "", K3sTokenUse.UNKNOWN, "the token is empty"],
    ["a token with a space", "a b", K3sTokenUse.UNKNOWN, "the token holds white space or a line break"],
    ["a truncated K10 token", "K10abc::server:pw", K3sTokenUse.JOIN_AGENT, "the token starts with K10 (a secure k3s token) but is not K10<64 hex digits>::<credentials>"],
    ["a K10 token on the first server", SECURE, K3sTokenUse.START, "a secure (K10) token names an existing cluster's CA, so it cannot start a new cluster"],
    ["an agent token on a joining server", AGENT_TOKEN, K3sTokenUse.JOIN_SERVER, "this is an agent token (user node); it cannot join a server"],
    ["an agent token on an agent", AGENT_TOKEN, K3sTokenUse.JOIN_AGENT, undefined],
    ["a plain secret on the first server", "s3cret", K3sTokenUse.START, undefined],
    ["an apply-time token", TOKEN, K3sTokenUse.START, undefined],
  ];
  for (const [name, token, use, problem] of cases) {
    it(`${problem ? "refuses" : "accepts"} ${name}`, () => {
      expect(k3sTokenProblem(token, use)?.problem).toBe(problem);
    });
  }

  it("never quote the token", () => {
    for (const token of ["hunter2 x", "K10hunter2", `K10${"a".repeat(64)}::node:hunter2`]) {
      for (const use of Object.values(K3sTokenUse)) expect(JSON.stringify(k3sTokenProblem(token, use) ?? {})).not.toContain("hunter2");
    }
  });

  it("are k3OS's token rules too", () => {
    expect(tokenProblem("K10abc::server:pw")).toEqual(k3sTokenProblem("K10abc::server:pw"));
    // Rendering checks the token against the node's use: a joining server may not hold an agent token.
    expect(() => new K3osConfig({ k3sArgs: ["server"], serverUrl: "https://a:6443", token: AGENT_TOKEN }).render()).toThrow(
      "k3os: k3os.token: this is an agent token (user node); it cannot join a server. Fix: give joining servers the server token or the cluster secret",
    );
    expect(new K3osConfig({ k3sArgs: ["agent"], serverUrl: "https://a:6443", token: AGENT_TOKEN }).render()).toContain("token:");
  });
});

describe("names", () => {
  it("DNS labels: lower case, digits, inner '-', at most 63", () => {
    expect(isDnsLabel("demo-general-0")).toBe(true);
    expect(isDnsLabel("a".repeat(64))).toBe(false);
    for (const n of ["Demo", "-a", "a-", "a.b", ""]) expect(isDnsLabel(n)).toBe(false);
    expect(isDnsLabelOfNode).toBe(isDnsLabel);
  });

  it("DNS subdomains: dot-separated lower-case labels, at most 253", () => {
    expect(isDnsSubdomain("example.com")).toBe(true);
    expect(isDnsSubdomain("Example.com")).toBe(false);
    expect(isDnsSubdomain(`${"a".repeat(63)}.`.repeat(4).slice(0, 254))).toBe(false);
  });

  it("host names: either case, labels at most 63, at most 253 in all", () => {
    expect(isHostName("Node-0.lab.internal")).toBe(true);
    for (const n of ["node_0", "a..b", `${"a".repeat(64)}.x`, `${"a".repeat(60)}.`.repeat(5) + "a"]) expect(isHostName(n)).toBe(false);
  });

  it("k3OS host names use the host-name rule, lower case", () => {
    expect(new K3osConfig().setHostname("node-0.lab").toObject().hostname).toBe("node-0.lab");
    expect(() => new K3osConfig().setHostname("Node-0")).toThrow('k3os: hostname: "Node-0" is not a host name. Fix: use lower-case DNS labels separated by dots');
    expect(() => new K3osConfig().setHostname(`${"a".repeat(64)}`)).toThrow(/is not a host name/);
  });
});
