import { type ApiObject, JsonPatch } from 'cdk8s';

/**
 * Renders a cluster-scoped object (a ClusterRole, a ClusterRoleBinding) without `metadata.namespace`. cdk8s gives
 * every object its chart's namespace; the API server drops it from a cluster-scoped object, so the rendered
 * file would say what the cluster does not hold, and a diff against the live object would never be empty.
 */
export function clusterScoped<T extends ApiObject>(object: T): T {
  if (object.metadata.namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return object;
}
