import { gunzipSync } from "node:zlib";

/** Why `content` does not decode as `encoding` the way k3OS decodes it, or undefined. */
export function decodeProblem(content: string, encoding: string): string | undefined {
  const b64 = (text: string): Buffer | undefined => {
    const compact = text.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
    return Buffer.from(compact, "base64");
  };
  const gunzip = (bytes: Buffer): boolean => {
    try {
      gunzipSync(bytes);
      return true;
    } catch {
      return false;
    }
  };
  switch (encoding) {
    case "":
      return undefined;
    case "b64":
    case "base64":
      return b64(content) ? undefined : "the content is not base64";
    case "gz":
    case "gzip":
      return gunzip(Buffer.from(content, "latin1")) ? undefined : "the content is not gzip data";
    case "gz+base64":
    case "gzip+base64":
    case "gz+b64":
    case "gzip+b64": {
      const bytes = b64(content);
      if (!bytes) return "the content is not base64";
      return gunzip(bytes) ? undefined : "the base64 content is not gzip data";
    }
    default:
      return `k3OS does not decode the encoding "${encoding}"`;
  }
}

