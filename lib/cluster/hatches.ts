/**
 * The cluster's escape hatches, by config format: a pool's (or one node's) customizers of the
 * OS's config builder, and builders of the format merged after the OS's content. The format
 * carries the builder and the merge (lib/core/format.ts), so the cluster imports no config model.
 */
import type { ConfigCustomizer, ConfigFormat, RenderedConfig } from "../core/format";
import { MicroOsError } from "../core/errors";
import type { NodeConfigSource } from "../platform/platform";

/** What a pool's hatches need from their cluster. */
export interface HatchHost {
  /** The cluster's construct path, for messages. */
  readonly path: string;
  /** Refuses a hatch for another format than the OS's, or after synth. */
  acceptHatch(field: string, format: ConfigFormat<unknown>): void;
  /** The spec the OS renders its format in (IOperatingSystem.configSpec). @default - the format's default */
  readonly configSpec?: unknown;
}

/** A node's config source: renders once the stack is synthesized, and freezes the escape hatches then. */
export class ClusterConfig implements NodeConfigSource {
  private final?: RenderedConfig;

  constructor(
    public readonly format: ConfigFormat,
    public readonly holdsSecret: boolean,
    private readonly produce: () => RenderedConfig,
    private readonly onFreeze: () => void,
  ) {}

  public render(): RenderedConfig {
    if (!this.final) {
      this.onFreeze();
      this.final = this.produce();
    }
    return this.final;
  }

  public preview(): RenderedConfig {
    return this.final ?? this.produce();
  }
}

/**
 * A pool (or the controllers) after construction: escape hatches that apply to all its nodes or
 * to one, each for a config format and refused at the call on an OS that reads another.
 */
export class ClusterPool {
  /** Node names of the pool, in order. */
  public readonly nodeNames: readonly string[];
  /** @internal */
  public readonly _customizers: ConfigCustomizer<unknown>[] = [];
  /** @internal */
  public readonly _nodeCustomizers = new Map<string, ConfigCustomizer<unknown>[]>();
  private poolConfig?: unknown;
  private readonly nodeConfigs = new Map<string, unknown>();

  /** @internal */
  constructor(
    /** The pool's name (`controllers` for the controllers). */
    public readonly name: string,
    nodeNames: readonly string[],
    private readonly host: HatchHost,
    /** True when the platform boots every node of the pool from one config. */
    private readonly shared: boolean,
  ) {
    this.nodeNames = nodeNames;
  }

  /**
   * A builder of `format` merged into every node of the pool, after the OS's own content (for a
   * format whose builders merge): `pool.config(IGNITION_FORMAT).addFile(...)`. The same builder
   * each call.
   */
  public config<C>(format: ConfigFormat<C>): C {
    const field = `pool(${this.name}).config(${format?.name})`;
    this.acceptMerging(field, format);
    if (this.poolConfig === undefined) {
      const extra = format.builder({ spec: this.host.configSpec, name: `pool ${this.name}` });
      this.poolConfig = extra;
      this._customizers.push((config) => format.merge(config as C, extra));
    }
    return this.poolConfig as C;
  }

  /** A builder of `format` for one node of the pool, merged after the pool's (see {@link ClusterPool.config}). */
  public nodeConfig<C>(nodeName: string, format: ConfigFormat<C>): C {
    const field = `pool(${this.name}).nodeConfig(${nodeName})`;
    this.checkNode(field, nodeName);
    this.acceptMerging(field, format);
    let extra = this.nodeConfigs.get(nodeName) as C | undefined;
    if (extra === undefined) {
      const added = format.builder({ spec: this.host.configSpec, name: `node ${nodeName}` });
      this.nodeConfigs.set(nodeName, added);
      this.addNodeCustomizer(nodeName, (config) => format.merge(config as C, added));
      extra = added;
    }
    return extra;
  }

  /**
   * Edits the config builder of every node of the pool, after the OS's own content, for an OS
   * whose configs are in `format`: `pool.customize(K3OS_FORMAT, (config) => config.addNtpServers(...))`.
   */
  public customize<C>(format: ConfigFormat<C>, customize: ConfigCustomizer<C>): this {
    this.host.acceptHatch(`pool(${this.name}).customize`, format);
    if (typeof customize !== "function") {
      throw new MicroOsError(this.host.path, `pool(${this.name}).customize`, "the customizer is not a function", "pass `(config) => { ... }`");
    }
    this._customizers.push(customize as ConfigCustomizer<unknown>);
    return this;
  }

  /** Edits one node's config builder, after the pool's escape hatches (see {@link ClusterPool.customize}). */
  public customizeNode<C>(nodeName: string, format: ConfigFormat<C>, customize: ConfigCustomizer<C>): this {
    const field = `pool(${this.name}).customizeNode(${nodeName})`;
    this.checkNode(field, nodeName);
    this.host.acceptHatch(field, format);
    this.addNodeCustomizer(nodeName, customize as ConfigCustomizer<unknown>);
    return this;
  }

  private acceptMerging(field: string, format: ConfigFormat<unknown>): void {
    this.host.acceptHatch(field, format);
    if (!format.merges) {
      throw new MicroOsError(this.host.path, field, `${format.description} builders do not merge`, `edit the node's builder with customize(${format.name} format, fn)`);
    }
  }

  private checkNode(field: string, nodeName: string): void {
    if (!this.nodeNames.includes(nodeName)) {
      throw new MicroOsError(this.host.path, field, "no node of that name in the pool", `use one of ${this.nodeNames.join(", ")}`);
    }
    if (this.shared) {
      throw new MicroOsError(this.host.path, field, "the platform boots every node of this pool from one config, so a node cannot have its own", "put the content in the pool's config, or place workers one machine each (AWS: workerPlacement: WorkerPlacement.INSTANCES)");
    }
  }

  private addNodeCustomizer(nodeName: string, customize: ConfigCustomizer<unknown>): void {
    const list = this._nodeCustomizers.get(nodeName) ?? [];
    list.push(customize);
    this._nodeCustomizers.set(nodeName, list);
  }
}
