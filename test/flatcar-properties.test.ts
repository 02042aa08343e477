/**
 * Properties of the Flatcar helpers, checked on random input (fast-check): quoting for systemd
 * survives systemd's own unquoting, random container services render configs ignition-validate
 * accepts, and no input makes a helper fail with anything but the library's error.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { MicroOsError } from "../lib/core/errors";
import { IgnitionConfig } from "../lib/ignition";
import {
  addContainerService,
  addHostname,
  addStaticNetwork,
  addSysext,
  FlatcarUpdates,
  setNtpServers,
  setTimezone,
  systemdQuote,
} from "../lib/os/flatcar";
import { need } from "./helpers/external";
import { allProblems, ignitionValidateTool, validatedCount } from "./fixtures/flatcar/validate";

const tool = ignitionValidateTool();
afterAll(() => {
  console.log(`flatcar-properties: ignition-validate checked ${validatedCount} configs`);
});

/**
 * A model of how systemd reads an Exec*= line (systemd.service(5) "Command lines",
 * systemd.syntax(7) escapes): words split on whitespace, double-quoted words with C escapes,
 * then `%%` -> `%` (specifiers) and `$$` -> `$` (variable expansion).
 */
function systemdWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (/\s/.test(line[i])) {
      i++;
      continue;
    }
    let raw = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`unterminated quote in ${line}`);
        const ch = line[i];
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === "\\") {
          const next = line[i + 1];
          if (next === "\\" || next === '"') raw += next;
          else if (next === "n") raw += "\n";
          else if (next === "t") raw += "\t";
          else if (next === "r") raw += "\r";
          else if (next === "x") {
            raw += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 2;
          } else throw new Error(`unknown escape \\${next}`);
          i += 2;
          continue;
        }
        raw += ch;
        i++;
      }
    } else {
      while (i < line.length && !/\s/.test(line[i])) {
        if (line[i] === "\\" || line[i] === '"' || line[i] === "'") throw new Error(`unquoted special in ${line}`);
        raw += line[i++];
      }
    }
    words.push(raw.replace(/%%|\$\$/g, (m) => m[0]));
  }
  return words;
}

const noNul = (s: string) => !s.includes("\0");

describe("systemd quoting", () => {
  it("gives back every argument unchanged after systemd unquotes the line", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }).filter(noNul), { maxLength: 6 }), (args) => {
        expect(systemdWords(args.map(systemdQuote).join(" "))).toEqual(args);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses an argument holding a NUL with the library's error", () => {
    expect(() => systemdQuote("a\0b")).toThrow(/container\.args: an argument holds a NUL character\. Fix: remove the NUL/);
  });
});

const containerName = fc
  .stringMatching(/^[a-z0-9][a-z0-9_.-]{0,15}$/)
  .filter((n) => !["docker", "containerd", "k3s", "k3s-agent", "sshd", "locksmithd", "update-engine"].includes(n) && !n.startsWith("systemd-"));
const envKey = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/);
const printable = fc.string({ unit: "grapheme", maxLength: 20 }).filter(noNul);

describe("random container services", () => {
  it("render configs the schema, our semantic checks and ignition-validate accept", (ctx) => {
    need(ctx, tool);
    fc.assert(
      fc.property(
        containerName,
        fc.dictionary(envKey, printable, { maxKeys: 3 }),
        fc.array(printable, { maxLength: 4 }),
        fc.array(fc.record({ hostPort: fc.integer({ min: 1, max: 65535 }), containerPort: fc.integer({ min: 1, max: 65535 }) }), { maxLength: 2 }),
        (name, env, args, ports) => {
          const c = new IgnitionConfig();
          addContainerService(c, { name, image: "docker.io/library/busybox:1.36", env, args, ports });
          expect(allProblems(c.render())).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  });
});

/** Runs `act`; passes when it succeeds or throws MicroOsError, fails on any other error. */
function onlyOurError(act: () => unknown): void {
  try {
    act();
  } catch (e) {
    if (!(e instanceof MicroOsError)) throw e;
  }
}

describe("any input fails only with the library's error", () => {
  const text = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom("", "/", "..", "a/b", "10.0.0.1/99", "::/0", "1h", "24:00"));
  const cases: [string, (s: string) => unknown][] = [
    ["hostname", (s) => addHostname(new IgnitionConfig(), s)],
    ["time zone", (s) => setTimezone(new IgnitionConfig(), s)],
    ["NTP server", (s) => setNtpServers(new IgnitionConfig(), [s])],
    ["network address", (s) => addStaticNetwork(new IgnitionConfig(), { interfaceName: "eth0", addresses: [s] })],
    ["network gateway", (s) => addStaticNetwork(new IgnitionConfig(), { interfaceName: "eth0", addresses: ["10.0.0.5/24"], gateway: s })],
    ["interface name", (s) => addStaticNetwork(new IgnitionConfig(), { interfaceName: s, addresses: ["10.0.0.5/24"] })],
    ["reboot window", (s) => FlatcarUpdates.automatic({ window: { time: s, length: s } })],
    ["update server", (s) => FlatcarUpdates.automatic({ server: s })],
    ["container image", (s) => addContainerService(new IgnitionConfig(), { name: "app", image: s })],
    ["sysext URL", (s) => addSysext(new IgnitionConfig(), { name: "x", url: s, hash: { algorithm: "sha256", hex: s } })],
  ];
  it.each(cases)("%s", (_name, act) => {
    fc.assert(fc.property(text, (s) => onlyOurError(() => act(s))), { numRuns: 300 });
  });
});
