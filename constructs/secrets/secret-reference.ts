import { Construct } from 'constructs';
import type { k8s } from 'cdk8s-plus-33';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy } from '../../imports/externalsecrets-external-secrets.io.js';
import { InfisicalSecret } from '../../imports/infisical-secrets.infisical.com.js';
import { DNS_LABEL, DNS_SUBDOMAIN, GO_DURATION, secretKeyProblem, urlCredentialsProblem } from '../formats.js';
import { platformLabels } from '../labels.js';
import { throwIfProblems } from '../validation/problems.js';

/** A Secret that already exists in the namespace (created by hand, by Sealed Secrets, by an operator...). */
export interface ExistingSecretSource {
  /** Selects this source. */
  readonly from: 'secret';
  /** Name of the Secret. */
  readonly name: string;
  /** Key in it. */
  readonly key: string;
}

/** A key synced from an external store by the External Secrets Operator. */
export interface ExternalSecretSource {
  /** Selects this source. */
  readonly from: 'externalSecret';
  /** Name of the Kubernetes Secret the ExternalSecret creates (and of the ExternalSecret itself). */
  readonly name: string;
  /** Key in that Secret. */
  readonly key: string;
  /** The SecretStore or ClusterSecretStore to read from (`kind` @default "ClusterSecretStore"). */
  readonly store: { readonly name: string; readonly kind?: 'SecretStore' | 'ClusterSecretStore' };
  /** Key of the secret in the external store. */
  readonly remoteKey: string;
  /** Property inside that secret, for stores that keep JSON objects. @default none: the whole secret */
  readonly remoteProperty?: string;
  /** How often to re-read the store. @default "1h" */
  readonly refreshInterval?: string;
}

/** A secret synced from Infisical by the Infisical operator (universal auth). */
export interface InfisicalSecretSource {
  /** Selects this source. */
  readonly from: 'infisical';
  /** Name of the Kubernetes Secret the InfisicalSecret manages (and of the InfisicalSecret itself). */
  readonly name: string;
  /** Key in that Secret. */
  readonly key: string;
  /** Slug of the Infisical project the secret is in. */
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

/** Props of a SecretReference: the credential's source, and the namespace its Secret is in. */
export interface SecretReferenceProps {
  /** Namespace of the Secret (and of the sync object rendered for it). */
  readonly namespace: string;
  /** Where the credential comes from. */
  readonly source: SecretSource;
  /** `app.kubernetes.io/component` of the object rendered for the reference. */
  readonly component: string;
}

const INFISICAL_REMOTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A credential by reference. For an ExternalSecret or InfisicalSecret source it renders that object, which
 * makes the operator create the Kubernetes Secret; for an existing Secret it renders nothing. Consumers
 * only ever see `secretName` and `key` (for a secretKeyRef), so no construct can put a value in output.
 */
export class SecretReference extends Construct {
  readonly secretName: string;
  readonly key: string;
  /**
   * The ExternalSecret or InfisicalSecret, when the source is one. References to one Secret share one sync
   * object (the first reference renders it, later ones add their keys to it), so the Secret has one writer.
   */
  readonly syncObject?: ExternalSecret | InfisicalSecret;

  constructor(scope: Construct, id: string, props: SecretReferenceProps) {
    super(scope, id);
    const { source, namespace } = props;
    validateSource(source, `${id}`);
    this.secretName = source.name;
    this.key = source.key;
    const metadata = { name: source.name, namespace, labels: platformLabels(props.component) };
    const synced = syncedSecretsOf(this);
    if (source.from === 'secret') {
      // Checked when the app renders: a reference made later may still sync this key.
      this.node.addValidation({
        validate: () => {
          const owner = synced.get(`${namespace}/${source.name}`);
          return owner && !owner.remotes.has(source.key) ? [ownedSecretProblem(owner, source)] : [];
        },
      });
      return;
    }

    // Checked when the app renders: the operator's part may be created after this reference.
    this.node.addValidation({
      validate: () => {
        const writer = operatorSecretsOf(this).get(`${namespace}/${source.name}`);
        return writer
          ? [
              `Secret "${source.name}" is written by ${writer}; ${SYNC_KIND[source.from]} would be a second writer, taking the Secret over and dropping the keys the operator writes: ` +
                `reference its key with from "secret" instead, or sync a Secret of another name`,
            ]
          : [];
      },
    });
    const existing = synced.get(`${namespace}/${source.name}`);
    if (existing) {
      throwIfProblems(`SecretReference ${id}`, sharingProblems(existing, source));
      this.syncObject = existing.object;
      if (!existing.remotes.has(source.key)) {
        existing.remotes.set(source.key, remoteOf(source));
        existing.addKey(source);
      }
      return;
    }

    if (source.from === 'externalSecret') {
      const externalData = [externalDataOf(source)];
      this.syncObject = new ExternalSecret(this, 'ExternalSecret', {
        metadata,
        spec: {
          refreshInterval: source.refreshInterval ?? '1h',
          secretStoreRef: {
            name: source.store.name,
            kind: source.store.kind === 'SecretStore' ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
          },
          target: { name: source.name, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
          data: externalData,
        },
      });
      synced.set(`${namespace}/${source.name}`, {
        source,
        path: this.node.path,
        object: this.syncObject,
        remotes: new Map([[source.key, remoteOf(source)]]),
        // cdk8s resolves an object's props when it renders, so a key added later is rendered too.
        addKey: (more) => externalData.push(externalDataOf(more as ExternalSecretSource)),
      });
    } else if (source.from === 'infisical') {
      const templateData: Record<string, string> = infisicalTemplateOf(source);
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
              // Only the keys referenced, not every secret in the folder: a pod gets no credential it does not use.
              template: { includeAllSecrets: false, data: templateData },
            },
          ],
        },
      });
      synced.set(`${namespace}/${source.name}`, {
        source,
        path: this.node.path,
        object: this.syncObject,
        remotes: new Map([[source.key, remoteOf(source)]]),
        addKey: (more) => Object.assign(templateData, infisicalTemplateOf(more as InfisicalSecretSource)),
      });
    }
  }

  /** An env var that reads this credential. */
  envVar(name: string): k8s.EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: this.secretName, key: this.key } } };
  }
}

interface SyncedSecret {
  readonly source: ExternalSecretSource | InfisicalSecretSource;
  /** Construct path of the reference that rendered the sync object. */
  readonly path: string;
  readonly object: ExternalSecret | InfisicalSecret;
  /** Where each key comes from in the store, by key. */
  readonly remotes: Map<string, string>;
  readonly addKey: (source: SecretSource) => void;
}

/** One map per app (the construct tree's root, every chart of it), made on first use. */
function appMap<V>(maps: WeakMap<object, Map<string, V>>, scope: Construct): Map<string, V> {
  const root = scope.node.root;
  let map = maps.get(root);
  if (!map) maps.set(root, (map = new Map()));
  return map;
}

/** The sync objects of one app, by "namespace/name" of the Secret. */
const syncedSecrets = new WeakMap<object, Map<string, SyncedSecret>>();
const syncedSecretsOf = (scope: Construct) => appMap(syncedSecrets, scope);

/** Secrets an operator writes, by "namespace/name": who writes each (e.g. "CloudNativePG for the database cluster \"db\""). */
const operatorSecrets = new WeakMap<object, Map<string, string>>();
const operatorSecretsOf = (scope: Construct) => appMap(operatorSecrets, scope);

/**
 * Records that an operator writes this Secret (CloudNativePG's `<cluster>-app`, ...), so no sync object
 * (ExternalSecret, InfisicalSecret) of the same app targets it too: two writers overwrite each other.
 */
export function reserveOperatorSecret(scope: Construct, namespace: string, name: string, writer: string): void {
  operatorSecretsOf(scope).set(`${namespace}/${name}`, writer);
}

function externalDataOf(source: ExternalSecretSource) {
  return { secretKey: source.key, remoteRef: { key: source.remoteKey, ...(source.remoteProperty ? { property: source.remoteProperty } : {}) } };
}

function infisicalTemplateOf(source: InfisicalSecretSource): Record<string, string> {
  return { [source.key]: `{{ .${source.remoteName ?? source.key}.Value }}` };
}

/** Where a key comes from in its store, for comparing two references to one key. */
function remoteOf(source: SecretSource): string {
  if (source.from === 'externalSecret') return `remoteKey "${source.remoteKey}"${source.remoteProperty ? `, remoteProperty "${source.remoteProperty}"` : ''}`;
  if (source.from === 'infisical') return `remoteName "${source.remoteName ?? source.key}"`;
  return '';
}

/** How the Secret is synced, apart from its keys: two references to one Secret must agree on all of it. */
function syncSettingsOf(source: ExternalSecretSource | InfisicalSecretSource): Record<string, unknown> {
  if (source.from === 'externalSecret') {
    return { store: `${source.store.kind ?? 'ClusterSecretStore'}/${source.store.name}`, refreshInterval: source.refreshInterval ?? '1h' };
  }
  return {
    projectSlug: source.projectSlug,
    environment: source.environment,
    path: source.path ?? '/',
    credentials: `${source.credentials.namespace ?? ''}/${source.credentials.name}`,
    hostApi: source.hostApi ?? '',
    resyncInterval: source.resyncInterval ?? 60,
  };
}

const SYNC_KIND = { externalSecret: 'an ExternalSecret', infisical: 'an InfisicalSecret' } as const;

/**
 * A Secret referenced as existing (from "secret") for a key its sync object does not sync. The sync object
 * creates the Secret with `creationPolicy: Owner` and writes exactly the keys it syncs, so that key would be
 * missing, whoever else meant to write it.
 */
function ownedSecretProblem(owner: SyncedSecret, plain: SecretSource): string {
  return (
    `Secret "${plain.name}" is written by ${SYNC_KIND[owner.source.from]} (${owner.path}), which owns the whole Secret and writes only the keys it syncs ` +
    `(${[...owner.remotes.keys()].map((k) => `"${k}"`).join(', ')}); key "${plain.key}", referenced here as an existing Secret (from "secret"), would be missing: ` +
    `reference it with from "${owner.source.from}" and its remote key, or name another Secret`
  );
}

/** Why a second reference cannot share the sync object of the first; empty when it can. */
function sharingProblems(existing: SyncedSecret, source: ExternalSecretSource | InfisicalSecretSource): string[] {
  const first = existing.source;
  if (first.from !== source.from) {
    return [
      `Secret "${source.name}" is already written by ${SYNC_KIND[first.from]} (${existing.path}); written by ${SYNC_KIND[source.from]} too, ` +
        'each sync would overwrite the other\'s: reference it with the same from everywhere',
    ];
  }
  const [a, b] = [syncSettingsOf(first), syncSettingsOf(source)];
  const differing = Object.keys(a).filter((field) => a[field] !== b[field]);
  if (differing.length) {
    return [
      `Secret "${source.name}" is already synced by ${existing.path} with other settings (${differing.map((f) => `${f} ${JSON.stringify(a[f])} there, ${JSON.stringify(b[f])} here`).join('; ')}): ` +
        'one Secret has one sync object, so give every reference to it the same settings',
    ];
  }
  const remote = existing.remotes.get(source.key);
  if (remote !== undefined && remote !== remoteOf(source)) {
    return [`key "${source.key}" of Secret "${source.name}" is synced from ${remote} by ${existing.path}, and from ${remoteOf(source)} here: one key has one source, so use the same, or another key`];
  }
  return [];
}

function validateSource(source: SecretSource, where: string): void {
  const problems: string[] = [];
  const anySource = source as unknown as Record<string, unknown>;
  if ('value' in anySource || 'stringValue' in anySource) {
    problems.push('takes no secret value (rendered output is committed to git): reference an existing Secret, an ExternalSecret or an InfisicalSecret');
  }
  if (!DNS_SUBDOMAIN.test(source.name)) problems.push(`name "${source.name}" must be a DNS-1123 subdomain of at most 253 characters`);
  const keyProblem = secretKeyProblem(source.key);
  if (keyProblem) problems.push(`key "${source.key}" ${keyProblem}`);
  if (source.from === 'infisical' && !INFISICAL_REMOTE_NAME.test(source.remoteName ?? source.key)) {
    problems.push(
      `remoteName "${source.remoteName ?? source.key}" must be an Infisical secret name (letters, digits, "_"), because it is read through the template ` +
        '{{ .NAME.Value }}; set remoteName when the key differs',
    );
  }
  if (source.from === 'externalSecret') {
    if (!DNS_SUBDOMAIN.test(source.store?.name ?? '')) problems.push(`store.name ${JSON.stringify(source.store?.name)} must be the name of a (Cluster)SecretStore: a DNS-1123 subdomain`);
    if (source.refreshInterval !== undefined && !GO_DURATION.test(source.refreshInterval)) {
      problems.push(`refreshInterval ${JSON.stringify(source.refreshInterval)} must be a Go duration such as "1h", "2h30m" or "10s" ("0": sync once)`);
    }
  }
  if (source.from === 'infisical') {
    const credentials = source.credentials ?? ({} as InfisicalSecretSource['credentials']);
    if (!DNS_SUBDOMAIN.test(credentials.name ?? '')) problems.push(`credentials.name ${JSON.stringify(credentials.name)} must be the name of a Secret: a DNS-1123 subdomain`);
    if (credentials.namespace !== undefined && !DNS_LABEL.test(credentials.namespace)) problems.push(`credentials.namespace ${JSON.stringify(credentials.namespace)} must be a namespace name: a DNS-1123 label`);
    if (source.hostApi !== undefined && !/^https?:$/.test(URL.canParse(source.hostApi) ? new URL(source.hostApi).protocol : '')) {
      problems.push(`hostApi ${JSON.stringify(source.hostApi)} must be an http(s) URL of the Infisical API, e.g. "https://infisical.example.com/api"`);
    } else if (source.hostApi !== undefined && urlCredentialsProblem(source.hostApi)) {
      problems.push(`hostApi ${urlCredentialsProblem(source.hostApi)}: the operator signs in with the machine identity in credentials`);
    }
  }
  if (!['secret', 'externalSecret', 'infisical'].includes(source.from)) {
    problems.push(`from must be "secret", "externalSecret" or "infisical", got ${JSON.stringify(source.from)}`);
  }
  throwIfProblems(`SecretReference ${where}`, problems);
}
