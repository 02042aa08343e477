/**
 * k3s's custom certificate authorities as plain data: which files a server reads, where, and the
 * secure token form that pins the server CA. No cdktf: lib/cluster/certificates.ts makes the keys
 * and certificates in the Terraform run and hands them to the nodes as {@link K3sFile}s.
 *
 * Source: docs.k3s.io/cli/certificate ("Using Custom CA Certificates": CA files found on disk under
 * /var/lib/rancher/k3s/server/tls when k3s first starts are used instead of generated ones) and
 * k3s-io/k3s contrib/util/generate-custom-ca-certs.sh, which writes exactly these files: for each of
 * client, server, request-header, etcd/peer and etcd/server a `<type>-ca.crt` and `<type>-ca.key`,
 * plus the service account issuer key `service.key`; "these files MUST be present before K3s is
 * started the first time". Its CAs carry `basicConstraints = critical, CA:true` and
 * `keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign`; the leaf CAs are EC P-256
 * keys, the service account key RSA 2048 in the traditional (PKCS#1) PEM form.
 */
import type { K3sFile } from "./node";

/** Where a k3s server keeps its CA certificates and keys (generate-custom-ca-certs.sh: `${DATA_DIR}/server/tls`). */
export const K3S_SERVER_TLS_DIR = "/var/lib/rancher/k3s/server/tls";

/** The certificate authorities a k3s server uses, by the file name stem the script gives them. */
export enum K3sCertificateAuthority {
  /** Signs the serving certificates (API server, supervisor); its certificate is the one clients trust and the token's hash names. */
  SERVER = "server",
  /** Signs client certificates: the admin's, kubelets', components'. */
  CLIENT = "client",
  /** Signs the front proxy (aggregation layer) client certificate. */
  REQUEST_HEADER = "request-header",
  /** Signs etcd's serving and client certificates. */
  ETCD_SERVER = "etcd/server",
  /** Signs etcd's peer certificates. */
  ETCD_PEER = "etcd/peer",
}

/** Every CA, in the order the script makes them (`for TYPE in client server request-header etcd/peer etcd/server`). */
export const K3S_CERTIFICATE_AUTHORITIES: readonly K3sCertificateAuthority[] = [
  K3sCertificateAuthority.CLIENT,
  K3sCertificateAuthority.SERVER,
  K3sCertificateAuthority.REQUEST_HEADER,
  K3sCertificateAuthority.ETCD_PEER,
  K3sCertificateAuthority.ETCD_SERVER,
];

/** Key usages k3s's CAs carry (generate-custom-ca-certs.sh, `[v3_ca]`), in hashicorp/tls `allowed_uses` names. */
export const K3S_CA_KEY_USAGES: readonly string[] = ["cert_signing", "digital_signature", "key_encipherment"];

/** Path of a CA's certificate on a server. */
export function k3sCaCertPath(ca: K3sCertificateAuthority): string {
  return `${K3S_SERVER_TLS_DIR}/${ca}-ca.crt`;
}

/** Path of a CA's private key on a server. */
export function k3sCaKeyPath(ca: K3sCertificateAuthority): string {
  return `${K3S_SERVER_TLS_DIR}/${ca}-ca.key`;
}

/** The service account issuer key (generate-custom-ca-certs.sh: `service.key`). */
export const K3S_SERVICE_ACCOUNT_KEY_PATH = `${K3S_SERVER_TLS_DIR}/service.key`;

/** Mode of a certificate file: readable, as k3s's own are. */
export const K3S_CERT_MODE = 0o644;
/** Mode of a private key file: the owner (root) only. */
export const K3S_KEY_MODE = 0o600;

/** One CA: its certificate and private key, PEM (either may be an apply-time value). */
export interface K3sCaPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A cluster's custom CAs and service account key, as k3s reads them. */
export interface K3sCustomCas {
  readonly authorities: Readonly<Record<K3sCertificateAuthority, K3sCaPair>>;
  /** PEM of the service account issuer key (RSA). */
  readonly serviceAccountKeyPem: string;
}

/** The files a server needs for `cas`, with certificates 0644 and keys 0600. */
export function k3sCustomCaFiles(cas: K3sCustomCas): K3sFile[] {
  const files: K3sFile[] = [];
  for (const ca of K3S_CERTIFICATE_AUTHORITIES) {
    const pair = cas.authorities[ca];
    files.push({ path: k3sCaCertPath(ca), content: pair.certPem, mode: K3S_CERT_MODE });
    files.push({ path: k3sCaKeyPath(ca), content: pair.keyPem, mode: K3S_KEY_MODE });
  }
  files.push({ path: K3S_SERVICE_ACCOUNT_KEY_PATH, content: cas.serviceAccountKeyPem, mode: K3S_KEY_MODE });
  return files;
}

/** True for a path under the server's TLS directory or a private key: never written on an agent. */
export function isK3sServerSecretPath(path: string): boolean {
  return path.startsWith(`${K3S_SERVER_TLS_DIR}/`) || path.endsWith(".key");
}

/**
 * The secure token a joining node uses: `K10<CA hash>::server:<secret>`. k3s-io/k3s
 * pkg/clientaccess/token.go: the hash is the hex SHA-256 of the CA bundle the server serves at
 * `/cacerts` (its server CA file); for a bundle of one certificate, of the file's literal bytes.
 * A node with this token refuses a server whose CA does not match ("token CA hash does not match
 * the Cluster CA certificate hash"). `server` is the user of the server token (the node-token
 * file); an agent replaces the user with `node` itself (pkg/agent/config/config.go,
 * `clientaccess.WithUser("node")`).
 */
export function k3sSecureToken(serverCaSha256Hex: string, secret: string): string {
  return `K10${serverCaSha256Hex}::server:${secret}`;
}
