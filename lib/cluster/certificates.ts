// Types only: @cdktf/provider-tls is an optional peer, loaded when the cluster's CAs are bound.
import type * as TlsCertRequest from "@cdktf/provider-tls/lib/cert-request";
import type * as TlsLocallySignedCert from "@cdktf/provider-tls/lib/locally-signed-cert";
import type * as TlsPrivateKey from "@cdktf/provider-tls/lib/private-key";
import type * as TlsProviderModule from "@cdktf/provider-tls/lib/provider";
import type * as TlsSelfSignedCert from "@cdktf/provider-tls/lib/self-signed-cert";
import { type PeerUse, requirePeer } from "../core/peer";
import { K3S_API_PORT } from "../core/k3s";
import {
  K3S_CA_KEY_USAGES,
  K3S_CERTIFICATE_AUTHORITIES,
  K3sCertificateAuthority,
  type K3sCaPair,
  k3sCustomCaFiles,
} from "../k3s/certificates";
import type { K3sFile } from "../k3s/node";
import { type Construct, TerraformProvider, TerraformStack, terraformEncoder } from "../cdktf";

/** k3s's own CAs are valid 10 years (docs.k3s.io/cli/certificate, "Certificate Authority (CA) Certificates"); these match. */
export const CLUSTER_CA_VALIDITY_HOURS = 10 * 365 * 24;
/** k3s's own client and server certificates are valid 365 days (docs.k3s.io/cli/certificate); the admin certificate matches. */
export const ADMIN_CERT_VALIDITY_HOURS = 365 * 24;
/** Terraform plans a new admin certificate this long before it expires (hashicorp/tls `early_renewal_hours`). */
export const ADMIN_CERT_EARLY_RENEWAL_HOURS = 30 * 24;
/**
 * The admin's identity: the subject k3s gives its own admin certificate, `system:admin` in group
 * `system:masters`, which Kubernetes binds to cluster-admin (kubernetes.io docs, "Using RBAC
 * Authorization", default ClusterRoleBindings: cluster-admin for group system:masters).
 */
export const ADMIN_SUBJECT = { commonName: "system:admin", organization: "system:masters" } as const;
/** Key usages of a client certificate (hashicorp/tls `allowed_uses`), as k3s's own client certificates have. */
export const CLIENT_KEY_USAGES: readonly string[] = ["client_auth", "digital_signature", "key_encipherment"];

/** What a cluster's certificates give its nodes and outputs. */
export interface BoundCertificates {
  /** Files for every server: the CA certificates and keys and the service account key. */
  readonly serverFiles: readonly K3sFile[];
  /** SHA-256 (hex) of the server CA certificate file, for the secure token form. */
  readonly serverCaSha256: string;
  /** A kubeconfig for the admin, trusting the server CA and pointing at `apiEndpoint`. */
  readonly kubeconfig: string;
}

/**
 * Where the cluster's certificate authorities come from.
 */
export abstract class ClusterCertificates {
  /**
   * The CAs are made in the Terraform run (hashicorp/tls) and written to every controller as k3s's
   * custom CA files before k3s first starts; an admin client certificate signed by the client CA
   * makes the sensitive `kubeconfig` output, and joining nodes pin the server CA through the
   * token's hash. The keys live in Terraform state (as the token does). Needs the optional peer
   * `@cdktf/provider-tls`; the cluster adds the tls provider to the stack when it is missing.
   */
  public static terraform(): ClusterCertificates {
    return new TerraformCertificates();
  }

  /**
   * k3s makes its own CAs on the first server: no `kubeconfig` output (fetch
   * /etc/rancher/k3s/k3s.yaml from a controller yourself), and joining nodes use the plain secret.
   * Needs no tls provider.
   */
  public static k3sGenerated(): ClusterCertificates {
    return new K3sGeneratedCertificates();
  }

  /** @internal creates the CAs in `scope`; undefined when k3s makes them. */
  public abstract _bind(scope: Construct, props: { readonly clusterName: string; readonly apiEndpoint: string }): BoundCertificates | undefined;
}

class K3sGeneratedCertificates extends ClusterCertificates {
  public _bind(): undefined {
    return undefined;
  }
}

class TerraformCertificates extends ClusterCertificates {
  public _bind(scope: Construct, props: { readonly clusterName: string; readonly apiEndpoint: string }): BoundCertificates {
    const use: PeerUse = {
      at: scope.node.path,
      field: "kubernetes.certificates",
      what: "ClusterCertificates.terraform() (the default: CAs made in the Terraform run, for the kubeconfig output)",
      otherwise: "pass kubernetes.certificates: ClusterCertificates.k3sGenerated()",
    };
    const peer = <T>(subpath: string) => requirePeer<T>("@cdktf/provider-tls", subpath, use);
    const { PrivateKey } = peer<typeof TlsPrivateKey>("lib/private-key");
    const { SelfSignedCert } = peer<typeof TlsSelfSignedCert>("lib/self-signed-cert");
    const { CertRequest } = peer<typeof TlsCertRequest>("lib/cert-request");
    const { LocallySignedCert } = peer<typeof TlsLocallySignedCert>("lib/locally-signed-cert");
    const { TlsProvider } = peer<typeof TlsProviderModule>("lib/provider");
    const stack = TerraformStack.of(scope);
    const hasTls = stack.node.findAll().some((c) => c instanceof TerraformProvider && c.terraformResourceType === "tls");
    if (!hasTls) new TlsProvider(stack, "tls");

    // EC P-256 keys for the CAs, as generate-custom-ca-certs.sh makes its leaf CAs (lib/k3s/certificates.ts).
    const ecKey = (id: string) => new PrivateKey(scope, id, { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const authorities = {} as Record<K3sCertificateAuthority, K3sCaPair>;
    const certs = {} as Record<K3sCertificateAuthority, { certPem: string; keyPem: string }>;
    for (const ca of K3S_CERTIFICATE_AUTHORITIES) {
      const id = `ca-${ca.replace("/", "-")}`;
      const key = ecKey(`${id}-key`);
      const cert = new SelfSignedCert(scope, id, {
        privateKeyPem: key.privateKeyPem,
        // The script's subject: `<product>-<type>-ca` (with `/` as `-`), here with the cluster name.
        subject: [{ commonName: `k3s-${ca.replace("/", "-")}-ca`, organization: props.clusterName }],
        isCaCertificate: true,
        setSubjectKeyId: true,
        allowedUses: [...K3S_CA_KEY_USAGES],
        validityPeriodHours: CLUSTER_CA_VALIDITY_HOURS,
      });
      authorities[ca] = { certPem: cert.certPem, keyPem: key.privateKeyPem };
      certs[ca] = authorities[ca];
    }
    // The service account issuer key is RSA 2048 (generate-custom-ca-certs.sh, `genrsa ... service.key 2048`);
    // hashicorp/tls writes RSA keys as PKCS#1 PEM, the script's `-traditional` form.
    const serviceAccount = new PrivateKey(scope, "service-account-key", { algorithm: "RSA", rsaBits: 2048 });

    const adminKey = ecKey("admin-key");
    const adminRequest = new CertRequest(scope, "admin-request", {
      privateKeyPem: adminKey.privateKeyPem,
      subject: [{ ...ADMIN_SUBJECT }],
    });
    const client = certs[K3sCertificateAuthority.CLIENT];
    const admin = new LocallySignedCert(scope, "admin", {
      certRequestPem: adminRequest.certRequestPem,
      caPrivateKeyPem: client.keyPem,
      caCertPem: client.certPem,
      allowedUses: [...CLIENT_KEY_USAGES],
      validityPeriodHours: ADMIN_CERT_VALIDITY_HOURS,
      earlyRenewalHours: ADMIN_CERT_EARLY_RENEWAL_HOURS,
    });
    const serverCa = certs[K3sCertificateAuthority.SERVER].certPem;
    return {
      serverFiles: k3sCustomCaFiles({ authorities, serviceAccountKeyPem: serviceAccount.privateKeyPem }),
      // Terraform's sha256 of the PEM text: the bytes the server CA file holds (see k3sSecureToken).
      serverCaSha256: terraformEncoder.sha256hex(serverCa),
      kubeconfig: renderKubeconfig({
        name: props.clusterName,
        server: `https://${props.apiEndpoint}:${K3S_API_PORT}`,
        caData: terraformEncoder.base64(serverCa),
        certData: terraformEncoder.base64(admin.certPem),
        keyData: terraformEncoder.base64(adminKey.privateKeyPem),
      }),
    };
  }
}

/**
 * A kubeconfig with one cluster, user and context (kubernetes.io docs, "Organizing Cluster Access
 * Using kubeconfig Files"; `*-data` fields hold base64 PEM). Values are base64 or a URL, so they
 * need no YAML quoting.
 */
export function renderKubeconfig(p: { readonly name: string; readonly server: string; readonly caData: string; readonly certData: string; readonly keyData: string }): string {
  const user = `${p.name}-admin`;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${p.name}`,
    "  cluster:",
    `    server: ${p.server}`,
    `    certificate-authority-data: ${p.caData}`,
    "users:",
    `- name: ${user}`,
    "  user:",
    `    client-certificate-data: ${p.certData}`,
    `    client-key-data: ${p.keyData}`,
    "contexts:",
    `- name: ${p.name}`,
    "  context:",
    `    cluster: ${p.name}`,
    `    user: ${user}`,
    `current-context: ${p.name}`,
    "",
  ].join("\n");
}
