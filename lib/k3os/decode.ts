import { gunzipSync } from "node:zlib";

/**
 * Decodes `write_files` content as k3OS does for its `encoding` (rancher/k3os pkg/util/decode.go
 * DecodeContent); throws with why it does not decode.
 * @internal
 */
export function decodeK3osContent(content: string, encoding: string): Buffer {
  const b64 = (text: string): Buffer => {
    const compact = text.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new Error("the content is not base64");
    return Buffer.from(compact, "base64");
  };
  const gunzip = (bytes: Buffer, what: string): Buffer => {
    try {
      return gunzipSync(bytes);
    } catch {
      throw new Error(`${what} is not gzip data`);
    }
  };
  switch (encoding) {
    case "":
      return Buffer.from(content, "utf8");
    case "b64":
    case "base64":
      return b64(content);
    case "gz":
    case "gzip":
      return gunzip(Buffer.from(content, "latin1"), "the content");
    case "gz+base64":
    case "gzip+base64":
    case "gz+b64":
    case "gzip+b64":
      return gunzip(b64(content), "the base64 content");
    default:
      throw new Error(`k3OS does not decode the encoding "${encoding}"`);
  }
}

/** Why `content` does not decode as `encoding` the way k3OS decodes it, or undefined. */
export function decodeProblem(content: string, encoding: string): string | undefined {
  try {
    decodeK3osContent(content, encoding);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
