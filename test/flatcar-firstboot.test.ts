/**
 * Applies rendered Flatcar nodes with the real Ignition program (lib/testing/firstboot) and checks
 * what the node holds afterwards: the files, links and units each Flatcar helper promises.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it, type TestContext } from "vitest";
import { localEncoder } from "../lib/core/deferred";
import { Architecture, NodeRole } from "../lib/core/node";
import {
  addContainerService,
  addStaticNetwork,
  addSysext,
  disableBuiltinSysext,
  Flatcar,
  FlatcarChannel,
  FlatcarUpdates,
  RebootStrategy,
  UPDATE_CONF_PATH,
  Weekday,
} from "../lib/os/flatcar";
import type { NodeBootstrap } from "../lib/os/os";
import { bootIgnition, type BootResult, type BootSuccess, ignitionProgramTool, rootPrivilegeTool } from "../lib/testing/firstboot";
import { need } from "./helpers/external";
import { SSH_KEY } from "./fixtures/flatcar/inspect";

const IMAGE_URL = "https://example.com/sysext/tailscale-v1.76.6-x86-64.raw";
const IMAGE_BYTES = "stand-in for a squashfs sysext image\n";
const SYSUPDATE_URL = "https://example.com/sysext/tailscale.conf";
const SYSUPDATE_BYTES = "[Transfer]\n";
const sha512 = (t: string) => createHash("sha512").update(t).digest("hex");

const tools = [ignitionProgramTool(), rootPrivilegeTool()];
const ready = tools.every((t) => t.location !== undefined);

function controller(): NodeBootstrap {
  return { spec: { name: "controller-0", role: NodeRole.CONTROLLER, pool: "controllers", architecture: Architecture.AMD64 }, hostname: "controller-0", sshKeys: [SSH_KEY] };
}

const os = Flatcar.release(FlatcarChannel.STABLE, "4081.2.0", {
  controllerUpdates: FlatcarUpdates.automatic({ strategy: RebootStrategy.REBOOT, window: { day: Weekday.SUNDAY, time: "03:00", length: "1h" } }),
  timezone: "Europe/Berlin",
  ntpServers: ["169.254.169.123"],
  customize: (config) => {
    addStaticNetwork(config, { interfaceName: "eth0", addresses: ["10.0.1.10/24"], gateway: "10.0.1.1" });
    addContainerService(config, { name: "web", image: "nginx:1.27", ports: [{ hostPort: 80, containerPort: 80 }] });
    addSysext(config, {
      name: "tailscale",
      url: IMAGE_URL,
      hash: { algorithm: "sha512", hex: sha512(IMAGE_BYTES) },
      sysupdate: { configUrl: SYSUPDATE_URL, configHash: { algorithm: "sha512", hex: sha512(SYSUPDATE_BYTES) } },
    });
    disableBuiltinSysext(config, "docker-flatcar");
  },
});

let booted: BootResult | undefined;
let disabledBoot: BootResult | undefined;

beforeAll(async () => {
  if (!ready) return;
  booted = await bootIgnition(os.renderNode(controller(), localEncoder).content, {
    stubRemote: true,
    remoteContents: { [IMAGE_URL]: IMAGE_BYTES, [SYSUPDATE_URL]: SYSUPDATE_BYTES },
    // An image that still ships these files: the helpers overwrite them.
    seedFiles: { [UPDATE_CONF_PATH]: "GROUP=stable\n", "/etc/localtime": "UTC stand-in\n" },
  });
  const masked = Flatcar.channel(FlatcarChannel.STABLE, { workerUpdates: FlatcarUpdates.disabled({ maskServices: true }) });
  const worker: NodeBootstrap = { ...controller(), spec: { ...controller().spec, name: "worker-0", role: NodeRole.WORKER, pool: "general" }, hostname: "worker-0" };
  disabledBoot = await bootIgnition(masked.renderNode(worker, localEncoder).content);
});

function tree(ctx: TestContext, result = () => booted): BootSuccess["tree"] {
  for (const t of tools) need(ctx, t);
  const r = result();
  if (!r?.ok) throw new Error(`Ignition refused the config: ${r ? r.error : "not run"}`);
  return r.tree;
}

describe("a Flatcar controller after Ignition's first boot", () => {
  it("holds its host name in /etc/hostname", (ctx) => {
    expect(tree(ctx).file("/etc/hostname")?.text).toBe("controller-0\n");
  });

  it("holds the update settings, replacing the image's update.conf", (ctx) => {
    expect(tree(ctx).file(UPDATE_CONF_PATH)?.text).toBe('REBOOT_STRATEGY=reboot\nLOCKSMITHD_REBOOT_WINDOW_START="Sun 03:00"\nLOCKSMITHD_REBOOT_WINDOW_LENGTH=1h\n');
  });

  it("links /etc/localtime to its zone, replacing the image's file", (ctx) => {
    expect(tree(ctx).link("/etc/localtime")?.target).toBe("../usr/share/zoneinfo/Europe/Berlin");
  });

  it("holds the timesyncd drop-in with the NTP servers", (ctx) => {
    expect(tree(ctx).file("/etc/systemd/timesyncd.conf.d/50-ntp-servers.conf")?.text).toBe("[Time]\nNTP=169.254.169.123\n");
  });

  it("holds the networkd file for eth0", (ctx) => {
    expect(tree(ctx).file("/etc/systemd/network/00-eth0.network")?.text).toContain("Address=10.0.1.10/24\nGateway=10.0.1.1\n");
  });

  it("enables the container's unit", (ctx) => {
    const t = tree(ctx);
    expect(t.unit("web.service")?.contents).toContain("ExecStart=/usr/bin/docker run --rm --name web --publish 80:80/tcp nginx:1.27\n");
    expect(t.unitEnabled("web.service")).toBe(true);
  });

  it("holds the verified sysext image, activated through /etc/extensions", (ctx) => {
    const t = tree(ctx);
    expect(t.file("/opt/extensions/tailscale/tailscale-v1.76.6-x86-64.raw")?.text).toBe(IMAGE_BYTES);
    const link = t.link("/etc/extensions/tailscale.raw");
    expect(link?.target).toBe("/opt/extensions/tailscale/tailscale-v1.76.6-x86-64.raw");
    expect(link?.resolves).toBe(true);
  });

  it("enables systemd-sysupdate for the image", (ctx) => {
    const t = tree(ctx);
    expect(t.file("/etc/sysupdate.tailscale.d/tailscale.conf")?.text).toBe(SYSUPDATE_BYTES);
    expect(t.unitEnabled("systemd-sysupdate.timer")).toBe(true);
    expect(Object.keys(t.unit("systemd-sysupdate.service")?.dropins ?? {}).sort()).toEqual(["sysext.conf", "tailscale.conf"]);
  });

  it("turns the built-in docker extension off", (ctx) => {
    expect(tree(ctx).link("/etc/extensions/docker-flatcar.raw")?.target).toBe("/dev/null");
  });

  it("authorizes the admin key for core", (ctx) => {
    expect(tree(ctx).authorizedKeys("core")).toContain(SSH_KEY);
  });
});

describe("a Flatcar worker with updates disabled and services masked", () => {
  it("masks update-engine and locksmithd", (ctx) => {
    const t = tree(ctx, () => disabledBoot);
    expect(t.unitMasked("update-engine.service")).toBe(true);
    expect(t.unitMasked("locksmithd.service")).toBe(true);
  });

  it("points update.conf at no server", (ctx) => {
    expect(tree(ctx, () => disabledBoot).file(UPDATE_CONF_PATH)?.text).toBe("SERVER=disabled\n");
  });
});
