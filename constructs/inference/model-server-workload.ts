import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-33';
import { parseQuantity } from '../formats.js';
import { componentSelector, NAME_LABEL, platformLabels } from '../labels.js';
import { PodNetworkPolicy, type PeerPorts, type PodPeer } from '../workloads/pod-network-policy.js';

/** Persistent storage for model files, so a restart does not download gigabytes again. */
export interface ModelStorage {
  /** e.g. "50Gi". */
  readonly size: string;
  /** @default the cluster's default class */
  readonly storageClass?: string;
}

/**
 * Room a model PVC needs beyond the model itself: ext4 keeps 5 % of its blocks for root (the servers run
 * non-root), then file-system metadata, manifests, tokenizer files and compile caches.
 */
export const MODEL_STORAGE_HEADROOM = 0.2;

/**
 * Why a PVC of `size` cannot hold a model of `bytes` plus MODEL_STORAGE_HEADROOM, or undefined when it can: the
 * download would stop with "no space left on device". `field` names the prop, `model` describes the model.
 */
export function modelStorageProblem(field: string, size: string, model: string, bytes: number): string | undefined {
  let requested: number;
  try {
    requested = parseQuantity(size);
  } catch (error) {
    return `${field}: ${(error as Error).message}`;
  }
  const needed = bytes * (1 + MODEL_STORAGE_HEADROOM);
  if (requested >= needed) return undefined;
  return `${field} ${size} is smaller than ${model}: use at least ${Math.ceil(needed / 2 ** 30)}Gi (${MODEL_STORAGE_HEADROOM * 100} % more, for the file system's reserve and metadata)`;
}

export interface ModelServerWorkloadProps {
  readonly namespace: string;
  /** Name of the Deployment, Service, PVC and ServiceAccount. */
  readonly name: string;
  /** `app.kubernetes.io/name` of the pods; clients' NetworkPolicies refer to it. */
  readonly componentName: string;
  /** The serving port (named "http"). */
  readonly port: number;
  /** Pod spec without serviceAccountName and the model volume: those are added here. */
  readonly podSpec: Omit<k8s.PodSpec, 'serviceAccountName' | 'automountServiceAccountToken'>;
  /** Where the model PVC is mounted in every container that lists it in `modelMountContainers`. */
  readonly storage: ModelStorage;
  /** Pods that may call the model server; each also gets an egress allowance to it. */
  readonly clients: readonly PodPeer[];
  /** Where the server itself may connect (model downloads). @default none */
  readonly egress?: readonly PeerPorts[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * The objects every in-cluster model server needs around its pod: its own ServiceAccount (no token), a
 * PVC for the weights, a single-replica Deployment that recreates rather than rolls (one GPU, one
 * ReadWriteOnce volume: a second pod could not start), a Service, and NetworkPolicies that admit only
 * the given clients and let those clients reach it.
 */
export class ModelServerWorkload extends Construct {
  readonly deployment: k8s.KubeDeployment;
  readonly service: k8s.KubeService;
  readonly pvc: k8s.KubePersistentVolumeClaim;
  readonly podLabels: Readonly<Record<string, string>>;
  /** The PVC's volume name, for volumeMounts. */
  static readonly MODEL_VOLUME = 'models';

  constructor(scope: Construct, id: string, props: ModelServerWorkloadProps) {
    super(scope, id);
    const labels = { ...platformLabels(props.componentName), [NAME_LABEL]: props.componentName };
    this.podLabels = componentSelector(props.componentName);
    const metadata = { name: props.name, namespace: props.namespace, labels };

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.pvc = new k8s.KubePersistentVolumeClaim(this, 'Models', {
      metadata: { ...metadata, name: `${props.name}-models` },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(props.storage.storageClass ? { storageClassName: props.storage.storageClass } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(props.storage.size) } },
      },
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { ...metadata, ...(props.annotations ? { annotations: { ...props.annotations } } : {}) },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { ...this.podLabels } },
        template: {
          metadata: { labels: { ...labels, ...this.podLabels } },
          spec: {
            ...props.podSpec,
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: false,
            volumes: [{ name: ModelServerWorkload.MODEL_VOLUME, persistentVolumeClaim: { claimName: this.pvc.name } }, ...(props.podSpec.volumes ?? [])],
          },
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podLabels },
        ports: [{ name: 'http', port: props.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    new PodNetworkPolicy(this, 'NetworkPolicy', {
      name: props.name,
      namespace: props.namespace,
      component: props.componentName,
      pods: this.podLabels,
      ...(props.clients.length ? { ingress: [{ peers: props.clients, ports: [props.port] }] } : {}),
      ...(props.egress?.length ? { egress: props.egress } : {}),
    });
    if (props.clients.length) {
      new ClientEgress(this, 'ClientEgress', {
        server: props.name,
        namespace: props.namespace,
        component: props.componentName,
        clients: props.clients,
        to: [{ peers: [{ podLabels: this.podLabels }], ports: [props.port] }],
      });
    }
  }
}

export interface ClientEgressProps {
  /** The server's name: policies are named "<client>-to-<server>". */
  readonly server: string;
  readonly namespace: string;
  readonly component: string;
  /** Clients in this namespace (other namespaces need their own policy there). */
  readonly clients: readonly PodPeer[];
  readonly to: readonly PeerPorts[];
}

/**
 * Lets the clients of a server reach it through the namespace's default-deny egress. Rendered by the
 * server, not the client, so adding a server never edits the client's objects.
 */
export class ClientEgress extends Construct {
  constructor(scope: Construct, id: string, props: ClientEgressProps) {
    super(scope, id);
    const local = props.clients.filter((c) => c.namespace === undefined || c.namespace === props.namespace);
    local.forEach((client, index) => {
      // Named "<client>-to-<server>" when the client has a name label, so the policy reads like what it allows.
      const clientName = client.podLabels[NAME_LABEL];
      new PodNetworkPolicy(this, `Client${index}`, {
        name: clientName ? `${clientName}-to-${props.server}` : `${props.server}-client-${index}`,
        namespace: props.namespace,
        component: props.component,
        pods: client.podLabels,
        egress: props.to,
      });
    });
  }
}
