/**
 * Rendering: the records of a config as the Ignition JSON document, in the key order the first
 * version of this builder used (goldens stay stable). Internal.
 */
import type { Encoder } from "../core/deferred";
import { inlineContents, textContents } from "./encode";
import type { Owner } from "./options";
import { type Content, type DirectoryRecord, type FileRecord, type Keyed, type LinkRecord, type NodeBase, prune, type Records } from "./records";
import type { DirectorySpec, FileSpec, IgnitionSection, IgnitionSpec, LinkSpec, LuksSpec, ResourceSpec, StorageSection, UnitSpec, UserSpec } from "./spec";
import type { IgnitionVersion } from "./version";

/** The document for `r` at spec `version`, contents encoded by `encoder`. */
export function renderRecords(r: Records, version: IgnitionVersion, encoder: Encoder): IgnitionSpec {
  const ignition: IgnitionSection = { version };
  if (r.mergeConfigs.size || r.replaceConfig) {
    ignition.config = prune({
      merge: r.mergeConfigs.size ? [...r.mergeConfigs.values()].map((c) => renderContent(c.content, encoder)) : undefined,
      replace: r.replaceConfig ? renderContent(r.replaceConfig.content, encoder) : undefined,
    });
  }
  if (r.timeouts.size) {
    ignition.timeouts = prune({ httpResponseHeaders: r.timeouts.get("httpResponseHeaders")?.value, httpTotal: r.timeouts.get("httpTotal")?.value });
  }
  if (r.certificateAuthorities.size) {
    ignition.security = { tls: { certificateAuthorities: [...r.certificateAuthorities.values()].map((c) => renderContent(c.content, encoder)) } };
  }
  if (r.proxy.size || r.noProxy.size) {
    ignition.proxy = prune({
      httpProxy: r.proxy.get("httpProxy")?.value,
      httpsProxy: r.proxy.get("httpsProxy")?.value,
      noProxy: r.noProxy.size ? [...r.noProxy.keys()] : undefined,
    });
  }
  const spec: IgnitionSpec = { ignition };

  const nodes = [...r.nodes.values()];
  const files = nodes.filter((n): n is FileRecord => n.kind === "file").map((f) => renderFile(f, encoder));
  const directories = nodes.filter((n): n is DirectoryRecord => n.kind === "directory").map(renderDirectory);
  const links = nodes.filter((n): n is LinkRecord => n.kind === "link").map(renderLink);
  const storage: StorageSection = prune({
    disks: values(r.disks),
    raid: values(r.raid),
    luks: r.luks.size ? [...r.luks.values()].map((l): LuksSpec => prune({ ...l.spec, keyFile: l.keyFile ? renderContent(l.keyFile, encoder) : undefined })) : undefined,
    filesystems: values(r.filesystems),
    files: files.length ? files : undefined,
    directories: directories.length ? directories : undefined,
    links: links.length ? links : undefined,
  });
  if (Object.keys(storage).length) spec.storage = storage;

  if (r.units.size) {
    spec.systemd = {
      units: [...r.units.values()].map(
        (u): UnitSpec =>
          prune({
            name: u.name,
            enabled: u.enabled,
            mask: u.mask,
            contents: u.contents,
            dropins: u.dropins.size ? [...u.dropins.values()].map((d) => ({ name: d.name, contents: d.contents })) : undefined,
          }),
      ),
    };
  }
  if (r.users.size || r.groups.size) {
    spec.passwd = prune({
      users: r.users.size ? [...r.users.values()].map((u): UserSpec => prune({ ...u.spec, sshAuthorizedKeys: u.keys.length ? [...u.keys] : undefined })) : undefined,
      groups: values(r.groups),
    });
  }
  if (r.kernelArguments.size) {
    const args = [...r.kernelArguments.entries()];
    spec.kernelArguments = prune({
      shouldExist: nonEmpty(args.filter(([, a]) => a.exists).map(([k]) => k)),
      shouldNotExist: nonEmpty(args.filter(([, a]) => !a.exists).map(([k]) => k)),
    });
  }
  return spec;
}

export function renderContent(c: Content, encoder: Encoder): ResourceSpec {
  if (c.kind === "text") return textContents(c.text, encoder);
  if (c.kind === "bytes") return inlineContents(c.bytes);
  const r = c.resource;
  return prune({
    source: r.source,
    compression: r.gzip ? "gzip" : undefined,
    httpHeaders: r.httpHeaders?.length ? r.httpHeaders.map((h) => ({ name: h.name, value: h.value })) : undefined,
    verification: r.hash ? { hash: `${r.hash.algorithm}-${r.hash.hex}` } : undefined,
  });
}

// Key order as the first version of this builder rendered it, so goldens stay stable:
// files path, overwrite, contents, mode; directories path, mode, overwrite; links path, target,
// hard, overwrite; then user and group.
function owners(n: NodeBase): { user?: Owner; group?: Owner } {
  return prune({ user: n.user ? { ...n.user } : undefined, group: n.group ? { ...n.group } : undefined });
}

function renderFile(f: FileRecord, encoder: Encoder): FileSpec {
  return prune({
    path: f.path,
    overwrite: f.overwrite,
    contents: f.content ? renderContent(f.content, encoder) : undefined,
    mode: f.mode,
    ...owners(f),
    append: f.append?.length ? f.append.map((c) => renderContent(c, encoder)) : undefined,
  });
}

function renderDirectory(d: DirectoryRecord): DirectorySpec {
  return prune({ path: d.path, mode: d.mode, overwrite: d.overwrite, ...owners(d) });
}

function renderLink(l: LinkRecord): LinkSpec {
  return prune({ path: l.path, target: l.target, hard: l.hard, overwrite: l.overwrite, ...owners(l) });
}

function values<T>(map: Map<string, Keyed<T>>): T[] | undefined {
  return map.size ? [...map.values()].map((v) => v.spec) : undefined;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length ? list : undefined;
}
