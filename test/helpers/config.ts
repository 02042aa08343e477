/**
 * Config sources and boot profiles for platform tests that build machines without a Cluster.
 */
import { isDeferred } from "../../lib/core/deferred";
import type { RenderedConfig } from "../../lib/core/format";
import type { NodeConfigSource } from "../../lib/platform/platform";

/** A config source that always renders `config` (what the Cluster hands a platform, fixed). */
export function fixedConfig(config: RenderedConfig, holdsSecret = false): NodeConfigSource {
  return { format: config.format, holdsSecret, render: () => config, preview: () => config };
}

/**
 * One source per distinct config, as the Cluster shares one source between nodes that boot the
 * same config (a pool in an autoscaling group).
 */
export function configSources(): (config: RenderedConfig) => NodeConfigSource {
  const sources = new Map<string, NodeConfigSource>();
  return (config) => {
    const key = `${config.format.name}\n${config.content}`;
    let source = sources.get(key);
    if (!source) {
      // As the Cluster's: a config with apply-time values holds the token.
      source = fixedConfig(config, isDeferred(config.content));
      sources.set(key, source);
    }
    return source;
  };
}
