import { Construct } from 'constructs';
import type { k8s } from 'cdk8s-plus-33';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy } from '../../imports/externalsecrets-external-secrets.io.js';
import { InfisicalSecret } from '../../imports/infisical-secrets.infisical.com.js';
import { platformLabels } from '../labels.js';
import { throwIfProblems } from '../validation/problems.js';

/** A Secret that already exists in the namespace (created by hand, by Sealed Secrets, by an operator...). */
export interface ExistingSecretSource {
  readonly from: 'secret';
  /** Name of the Secret. */
  readonly name: string;
  /** Key in it. */
  readonly key: string;
}

/** A key synced from an external store by the External Secrets Operator. */
export interface ExternalSecretSource {
  readonly from: 'externalSecret';
  /** Name of the Kubernetes Secret the ExternalSecret creates (and of the ExternalSecret itself). */
  readonly name: string;
  /** Key in that Secret. */
  readonly key: string;
  /** The SecretStore or ClusterSecretStore to read from (`kind` @default "ClusterSecretStore"). */
  readonly store: { readonly name: string; readonly kind?: 'SecretStore' | 'ClusterSecretStore' };
  /** Key of the secret in the external store. */
  readonly remoteKey: string;
  /** Property inside that secret, for stores that keep JSON objects. */
  readonly remoteProperty?: string;
  /** How often to re-read the store. @default "1h" */
  readonly refreshInterval?: string;
}

/** A secret synced from Infisical by the Infisical operator (universal auth). */
export interface InfisicalSecretSource {
  readonly from: 'infisical';
  /** Name of the Kubernetes Secret the InfisicalSecret manages (and of the InfisicalSecret itself). */
  readonly name: string;
  /** Key in that Secret. */
  readonly key: string;
  readonly projectSlug: string;
  /** Environment slug, e.g. "prod". */
  readonly environment: string;
  /** Folder in the project. @default "/" */
  readonly path?: string;
  /** Name of the secret in Infisical. @default the same as `key` */
  readonly remoteName?: string;
  /** The Secret holding the machine identity's clientId and clientSecret. */
  readonly credentials: { readonly name: string; readonly namespace?: string };
  /** Infisical API of a self-hosted instance, e.g. "https://infisical.lan/api". @default Infisical Cloud */
  readonly hostApi?: string;
  /** Seconds between syncs. @default 60 */
  readonly resyncInterval?: number;
}

/** Where a credential comes from. Never the credential itself: rendered output is committed to git. */
export type SecretSource = ExistingSecretSource | ExternalSecretSource | InfisicalSecretSource;

export interface SecretReferenceProps {
  readonly namespace: string;
  readonly source: SecretSource;
  /** `app.kubernetes.io/component` of the object rendered for the reference. */
  readonly component: string;
}

const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const INFISICAL_REMOTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A credential by reference. For an ExternalSecret or InfisicalSecret source it renders that object, which
 * makes the operator create the Kubernetes Secret; for an existing Secret it renders nothing. Consumers
 * only ever see `secretName` and `key` (for a secretKeyRef), so no construct can put a value in output.
 */
export class SecretReference extends Construct {
  readonly secretName: string;
  readonly key: string;
  /** The ExternalSecret or InfisicalSecret, when the source is one. */
  readonly syncObject?: ExternalSecret | InfisicalSecret;

  constructor(scope: Construct, id: string, props: SecretReferenceProps) {
    super(scope, id);
    const { source, namespace } = props;
    validateSource(source, `${id}`);
    this.secretName = source.name;
    this.key = source.key;
    const metadata = { name: source.name, namespace, labels: platformLabels(props.component) };

    if (source.from === 'externalSecret') {
      this.syncObject = new ExternalSecret(this, 'ExternalSecret', {
        metadata,
        spec: {
          refreshInterval: source.refreshInterval ?? '1h',
          secretStoreRef: {
            name: source.store.name,
            kind: source.store.kind === 'SecretStore' ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
          },
          target: { name: source.name, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
          data: [{ secretKey: source.key, remoteRef: { key: source.remoteKey, ...(source.remoteProperty ? { property: source.remoteProperty } : {}) } }],
        },
      });
    } else if (source.from === 'infisical') {
      const remoteName = source.remoteName ?? source.key;
      this.syncObject = new InfisicalSecret(this, 'InfisicalSecret', {
        metadata,
        spec: {
          ...(source.hostApi ? { hostApi: source.hostApi } : {}),
          resyncInterval: source.resyncInterval ?? 60,
          authentication: {
            universalAuth: {
              credentialsRef: { secretName: source.credentials.name, secretNamespace: source.credentials.namespace ?? namespace },
              secretsScope: { projectSlug: source.projectSlug, envSlug: source.environment, secretsPath: source.path ?? '/' },
            },
          },
          managedKubeSecretReferences: [
            {
              secretName: source.name,
              secretNamespace: namespace,
              creationPolicy: 'Owner',
              // Only the one key, not every secret in the folder: a pod gets no credential it does not use.
              template: { includeAllSecrets: false, data: { [source.key]: `{{ .${remoteName}.Value }}` } },
            },
          ],
        },
      });
    }
  }

  /** An env var that reads this credential. */
  envVar(name: string): k8s.EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: this.secretName, key: this.key } } };
  }
}

function validateSource(source: SecretSource, where: string): void {
  const problems: string[] = [];
  const anySource = source as unknown as Record<string, unknown>;
  if ('value' in anySource || 'stringValue' in anySource) {
    problems.push('takes no secret value (rendered output is committed to git): reference an existing Secret, an ExternalSecret or an InfisicalSecret');
  }
  if (!SECRET_NAME.test(source.name) || source.name.length > 253) problems.push(`name "${source.name}" must be a DNS-1123 subdomain`);
  if (!SECRET_KEY.test(source.key)) problems.push(`key "${source.key}" may contain only letters, digits, "-", "_" and "."`);
  if (source.from === 'infisical' && !INFISICAL_REMOTE_NAME.test(source.remoteName ?? source.key)) {
    problems.push(
      `remoteName "${source.remoteName ?? source.key}" must be an Infisical secret name (letters, digits, "_"), because it is read through the template ` +
        '{{ .NAME.Value }}; set remoteName when the key differs',
    );
  }
  if (!['secret', 'externalSecret', 'infisical'].includes(source.from)) {
    problems.push(`from must be "secret", "externalSecret" or "infisical", got ${JSON.stringify(source.from)}`);
  }
  throwIfProblems(`SecretReference ${where}`, problems);
}
