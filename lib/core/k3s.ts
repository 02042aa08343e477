/**
 * Facts about k3s that every layer shares: the release tag form, the API port, the token and the
 * server URL a node joins with. The k3s node model (lib/k3s), k3OS's config model (lib/k3os), the
 * OSes and the platforms take them from here, so each rule is written once. Plain TypeScript.
 */
import { deferredMarkers } from "./deferred";
import type { Finding } from "./errors";

/**
 * k3s release tags: `v<major>.<minor>.<patch>[-rcN]+k3s<N>`, for example `v1.36.4+k3s1`
 * (github.com/k3s-io/k3s/releases).
 */
export const K3S_RELEASE_TAG = /^v1\.\d{1,2}\.\d{1,2}(-rc\d+)?\+k3s\d+$/;

/** An example tag for messages (the release the README and examples use). */
export const K3S_RELEASE_TAG_EXAMPLE = "v1.36.4+k3s1";

/** True when `version` is a k3s release tag. */
export function isK3sReleaseTag(version: unknown): version is string {
  return typeof version === "string" && K3S_RELEASE_TAG.test(version);
}

/**
 * The port of the k3s API and supervisor on servers; agents and joining servers register through
 * it (docs.k3s.io/installation/requirements, "Inbound Rules for K3s Nodes").
 */
export const K3S_API_PORT = 6443;

/**
 * A secure k3s token: `K10<sha256 of the cluster CA, hex>::<credentials>`, where the credentials
 * are `<user>:<password>` (`server:...` for server tokens, `node:...` for agent tokens) or a
 * bootstrap token (docs.k3s.io/cli/token, "Token Format"). Group 1 is the credentials.
 */
export const K3S_SECURE_TOKEN = /^K10[0-9a-f]{64}::(\S+)$/;

/** How a node uses its token, for the rules that depend on it. */
export enum K3sTokenUse {
  /** Not known (a config key set on its own). */
  UNKNOWN = "unknown",
  /** The first server: it starts a new cluster. */
  START = "start",
  /** A server joining an existing one. */
  JOIN_SERVER = "join-server",
  /** An agent joining a server. */
  JOIN_AGENT = "join-agent",
}

/**
 * The first thing wrong with a token, or undefined. Never quotes the token: it is a secret. A
 * value known only at apply time passes (it cannot be seen before apply).
 */
export function k3sTokenProblem(token: string, use: K3sTokenUse = K3sTokenUse.UNKNOWN): Finding | undefined {
  if (deferredMarkers(token).length > 0) return undefined;
  if (token.length === 0) return { problem: "the token is empty", fix: "give the cluster token (for example from ClusterToken.random())" };
  if (/\s/.test(token)) return { problem: "the token holds white space or a line break", fix: "give a token without spaces or line breaks" };
  if (!token.startsWith("K10")) return undefined;
  const m = K3S_SECURE_TOKEN.exec(token);
  if (!m) {
    return {
      problem: "the token starts with K10 (a secure k3s token) but is not K10<64 hex digits>::<credentials>",
      fix: "copy the whole token from /var/lib/rancher/k3s/server/token (or node-token), or use a plain cluster secret that does not start with K10",
    };
  }
  if (use === K3sTokenUse.START) {
    // Only a short (password-only) token can start a cluster whose CA does not exist yet (docs.k3s.io/cli/token).
    return {
      problem: "a secure (K10) token names an existing cluster's CA, so it cannot start a new cluster",
      fix: "give the first server a plain cluster secret; give K10 tokens only to nodes that join",
    };
  }
  if (use === K3sTokenUse.JOIN_SERVER && m[1].startsWith("node:")) {
    // Agent tokens (credentials user `node`) join agents only (docs.k3s.io/cli/token, "Agent").
    return { problem: "this is an agent token (user node); it cannot join a server", fix: "give joining servers the server token or the cluster secret" };
  }
  return undefined;
}

// The URL a node joins through: https, a host, an optional port, nothing after (docs.k3s.io/cli/agent,
// `--server`: "Server to connect to", https://<server>:6443).
const SERVER_URL = /^https:\/\/[^\s/:]+(:\d{1,5})?\/?$/;

/** An example server URL for messages. */
export const K3S_SERVER_URL_EXAMPLE = `https://10.0.0.10:${K3S_API_PORT}`;

/**
 * True when `url` is `https://<host>[:port][/]`. Apply-time values are checked by their literal
 * parts: `https://${token}:6443` passes (a token stands for the host), and a URL that is one token
 * as a whole passes since nothing of it is known.
 */
export function isK3sServerUrl(url: string): boolean {
  const markers = deferredMarkers(url);
  if (markers.length === 1 && markers[0] === url) return true;
  let literal = url;
  for (const m of markers) literal = literal.replace(m, "HOST");
  return SERVER_URL.test(literal);
}
