/**
 * One Flatcar host on the local libvirt that runs two containers as systemd services, without
 * Kubernetes: a web server and a cache. The "cluster" is a single controller-less host; its
 * services come from the Ignition escape hatch.
 */
import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { addContainerService, Cluster, Flatcar, FlatcarChannel, FlatcarUpdates, IGNITION_FORMAT, LibvirtPlatform, RebootStrategy } from "cdktf-microos";
import { EXAMPLE_SSH_KEY, warnAboutStandIns } from "../shared";

export interface FlatcarContainersStackProps {
}

export class FlatcarContainersStack extends TerraformStack {
  public readonly cluster: Cluster;

  constructor(scope: Construct, id: string, props: FlatcarContainersStackProps = {}) {
    super(scope, id);
    warnAboutStandIns(this, { sshKey: EXAMPLE_SSH_KEY });
    this.cluster = new Cluster(this, "web", {
      os: Flatcar.channel(FlatcarChannel.STABLE, {
        // A lone host reboots into each release in a quiet hour.
        controllerUpdates: FlatcarUpdates.automatic({ strategy: RebootStrategy.REBOOT, window: { time: "04:00", length: "1h" } }),
        timezone: "Europe/Berlin",
      }),
      platform: LibvirtPlatform.local({ cidr: "10.17.9.0/24" }),
      controllers: { count: 1, size: "2x2048" },
      sshKeys: [EXAMPLE_SSH_KEY],
    });
    const host = this.cluster.pool("controllers").config(IGNITION_FORMAT);
    host.addFile("/srv/www/index.html", "<h1>Hello from Flatcar</h1>\n", { mode: 0o644 });
    addContainerService(host, {
      name: "web",
      image: "docker.io/library/nginx:1.27",
      ports: [{ hostPort: 80, containerPort: 80 }],
      volumes: [{ hostPath: "/srv/www", containerPath: "/usr/share/nginx/html", readOnly: true }],
    });
    addContainerService(host, {
      name: "cache",
      image: "docker.io/library/redis:7.4",
      ports: [{ hostPort: 6379, containerPort: 6379, hostIp: "127.0.0.1" }],
      args: ["redis-server", "--save", "", "--appendonly", "no"],
    });
  }
}
