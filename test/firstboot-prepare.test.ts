import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bootIgnition, ignitionProgramTool, StubKind } from "../lib/testing/firstboot";
import { realisticValue, resolveApplyTime, substituteApplyTime } from "../lib/testing/firstboot/applytime";
import { prepareConfig } from "../lib/testing/firstboot/prepare";
import { resolveInRoot } from "../lib/testing/firstboot/tree";

// The simulator's own steps, which need neither the Ignition program nor root.

const sha512 = (s: string) => createHash("sha512").update(s).digest("hex");

function prepared(config: object, stubRemote: boolean, remoteContents = {}) {
  const p = prepareConfig(config, { stubRemote, remoteContents });
  if (!p.ok) throw new Error(p.error);
  return { ...p, config: JSON.parse(p.text) };
}

describe("preparing a config for Debian's Ignition", () => {
  it("renames spec 3.4.0 to 3.4.0-experimental", () => {
    expect(prepared({ ignition: { version: "3.4.0" } }, false).config.ignition.version).toBe("3.4.0-experimental");
  });

  it("leaves spec 3.3.0 as it is", () => {
    expect(prepared({ ignition: { version: "3.3.0" } }, false).config.ignition.version).toBe("3.3.0");
  });

  it("lists remote sources and leaves them in place without stubRemote", () => {
    const p = prepared({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/a", contents: { source: "s3://b/k" } }] } }, false);
    expect(p.remote).toEqual(["s3://b/k"]);
    expect(p.stubs).toEqual([]);
    expect(p.config.storage.files[0].contents.source).toBe("s3://b/k");
  });

  it("stubs every remote kind of source and reports each", () => {
    const p = prepared(
      {
        ignition: {
          version: "3.4.0",
          config: { merge: [{ source: "https://example.com/m.ign" }] },
          security: { tls: { certificateAuthorities: [{ source: "gs://bucket/ca.pem" }] } },
        },
        storage: {
          files: [
            { path: "/a", contents: { source: "tftp://host/a", compression: "gzip", verification: { hash: `sha512-${sha512("x")}` } } },
            { path: "/b", append: [{ source: "arn:aws:s3:::bucket/b" }] },
            { path: "/c", contents: { source: "data:,inline" } },
          ],
        },
      },
      true,
    );
    expect(p.stubs.map((s) => [s.kind, s.path, s.source])).toEqual([
      [StubKind.CONFIG_MERGE, undefined, "https://example.com/m.ign"],
      [StubKind.CERTIFICATE_AUTHORITY, undefined, "gs://bucket/ca.pem"],
      [StubKind.FILE, "/a", "tftp://host/a"],
      [StubKind.APPEND, "/b", "arn:aws:s3:::bucket/b"],
    ]);
    expect(p.config.storage.files[0].contents).toEqual({ source: expect.stringMatching(/^data:;base64,/) });
    expect(p.config.storage.files[2].contents.source).toBe("data:,inline");
  });

  it("renames a given child config to 3.4.0-experimental and rehashes it after checking its hash", () => {
    const child = JSON.stringify({ ignition: { version: "3.4.0" } });
    const p = prepared(
      { ignition: { version: "3.4.0", config: { replace: { source: "s3://b/full.ign", verification: { hash: `sha512-${sha512(child)}` } } } } },
      true,
      { "s3://b/full.ign": child },
    );
    const served = Buffer.from(p.config.ignition.config.replace.source.replace("data:;base64,", ""), "base64").toString();
    expect(JSON.parse(served).ignition.version).toBe("3.4.0-experimental");
    expect(p.config.ignition.config.replace.verification.hash).toBe(`sha512-${sha512(served)}`);
  });

  it("stubs the remote sources inside a given child config too", () => {
    const child = JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/opt/k3s.raw", contents: { source: "https://example.com/k3s.raw" } }] } });
    const p = prepared({ ignition: { version: "3.3.0", config: { replace: { source: "s3://b/full.ign" } } } }, true, { "s3://b/full.ign": child });
    expect(p.stubs.map((s) => s.source)).toEqual(["s3://b/full.ign", "https://example.com/k3s.raw"]);
  });

  it("refuses given contents whose hash differs from the config's", () => {
    const p = prepareConfig(
      { ignition: { version: "3.3.0" }, storage: { files: [{ path: "/a", contents: { source: "https://e/a", verification: { hash: `sha512-${sha512("x")}` } } }] } },
      { stubRemote: true, remoteContents: { "https://e/a": "y" } },
    );
    expect(p).toMatchObject({ ok: false, error: expect.stringMatching(/given for https:\/\/e\/a do not match its verification hash/) });
  });

  it("refuses a config holding cdktf tokens", () => {
    const p = prepareConfig({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/a", contents: { source: "data:,${TfToken[TOKEN.7]}" } }] } });
    expect(p).toMatchObject({ ok: false, error: expect.stringMatching(/pass substituteApplyTime/) });
  });

  it("hands text that is not JSON to Ignition unchanged", () => {
    expect(prepareConfig("{not json")).toMatchObject({ ok: true, text: "{not json" });
  });
});

describe("filling in apply-time values", () => {
  const b64 = (s: string) => Buffer.from(s).toString("base64");

  it("evaluates base64encode around a token marker, with a made-up value", () => {
    const config = { source: 'data:;base64,${base64encode("token: |-\\n  ${TfToken[TOKEN.1]}\\n")}' };
    const subs = substituteApplyTime(config);
    const made = realisticValue("TfToken[TOKEN.1]");
    expect(made).toMatch(/^applytime-[0-9a-f]{10}#"'\\\{\[/);
    expect(subs).toEqual([{ expression: "TfToken[TOKEN.1]", value: made, placeholder: true }]);
    expect(config.source).toBe(`data:;base64,${b64(`token: |-\n  ${made}\n`)}`);
  });

  it("uses given values for markers and Terraform references", () => {
    const config = { a: "https://${aws_lb.api.dns_name}:6443", b: '${sha512("${random_password.k3s.result}")}' };
    substituteApplyTime(config, { values: { "aws_lb.api.dns_name": "api.example.com", "random_password.k3s.result": "s3cret" } });
    expect(config.a).toBe("https://api.example.com:6443");
    expect(config.b).toBe(createHash("sha512").update("s3cret").digest("hex"));
  });

  it("gives one expression the same made-up value everywhere, and in separate calls", () => {
    const config = ["${TfToken[TOKEN.4]}", "x-${TfToken[TOKEN.4]}"];
    substituteApplyTime(config);
    expect(config[1]).toBe(`x-${config[0]}`);
    expect(resolveApplyTime("${TfToken[TOKEN.4]}")).toBe(config[0]);
  });

  it("resolves a synthesized stack's locals, filling in their own values", () => {
    const locals = { content: '{"token":"${random_password.k3s.result}"}' };
    const text = '${sha512(local.content)}';
    const hash = resolveApplyTime(text, { locals, values: { "random_password.k3s.result": "t" } });
    expect(hash).toBe(createHash("sha512").update('{"token":"t"}').digest("hex"));
    expect(resolveApplyTime("${local.content}", { locals, values: { "random_password.k3s.result": "t" } })).toBe('{"token":"t"}');
  });

  it("leaves shell variables in unit text alone", () => {
    const config = { contents: "ExecStart=/bin/sh -c 'echo ${HOME} $${X}'" };
    expect(substituteApplyTime(config)).toEqual([]);
    // A Terraform string is a template: `$${` is the escape of a literal `${`, as terraform apply writes it.
    expect(config.contents).toBe("ExecStart=/bin/sh -c 'echo ${HOME} ${X}'");
  });

  it("lets a config with tokens through prepareConfig when asked", () => {
    const p = prepareConfig({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/a", contents: { source: "data:,${TfToken[TOKEN.7]}" } }] } }, { substituteApplyTime: true });
    expect(p).toMatchObject({ ok: true, substitutions: [{ expression: "TfToken[TOKEN.7]", placeholder: true }] });
  });
});

describe("following links inside the root", () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("follows absolute targets from the root, not from the host's /", () => {
    root = mkdtempSync(join(tmpdir(), "fb-links-"));
    mkdirSync(join(root, "opt/ext"), { recursive: true });
    mkdirSync(join(root, "etc/extensions"), { recursive: true });
    writeFileSync(join(root, "opt/ext/k3s.raw"), "x");
    symlinkSync("/opt/ext/k3s.raw", join(root, "etc/extensions/k3s.raw"));
    expect(resolveInRoot(root, "/etc/extensions/k3s.raw")).toBe("/opt/ext/k3s.raw");
  });

  it("follows relative targets and chains, stopping .. at the root", () => {
    root = mkdtempSync(join(tmpdir(), "fb-links-"));
    mkdirSync(join(root, "a"), { recursive: true });
    symlinkSync("../../../b", join(root, "a/up"));
    symlinkSync("/a/up", join(root, "c"));
    expect(resolveInRoot(root, "/c")).toBe("/b");
  });

  it("gives up on a loop", () => {
    root = mkdtempSync(join(tmpdir(), "fb-links-"));
    symlinkSync("/y", join(root, "x"));
    symlinkSync("/x", join(root, "y"));
    expect(resolveInRoot(root, "/x")).toBeUndefined();
  });
});

describe("running without what the simulation needs", () => {
  it("says it needs root when not run as root", async () => {
    const spy = vi.spyOn(process, "getuid").mockReturnValue(1000);
    try {
      const r = await bootIgnition({ ignition: { version: "3.3.0" } });
      expect(r.ok).toBe(false);
      if (!r.ok && ignitionProgramTool().location) expect(r.error).toMatch(/must run as root/);
    } finally {
      spy.mockRestore();
    }
  });

  it("describes the Ignition program with its install command", () => {
    expect(ignitionProgramTool()).toMatchObject({ name: "Ignition program", install: "apt-get install -y ignition" });
  });
});
