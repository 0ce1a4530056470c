/**
 * The properties the generated-config test checks (test/stacks/config-properties.test.ts), apart from jest so a
 * script can run them over many samples: what a valid config's output must hold, and what an invalid config's
 * error must say.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { podTemplateOf, selectorMatches } from '../../constructs/policy/workload.js';
import { ConfigError, parsePlatformConfig, type PlatformConfigInput } from '../../stacks/config.js';
import { SynthError, synthesize } from '../../stacks/synth.js';
import { contestedFields, type InvalidCase } from './config-arbitraries.js';
import { tempDir } from './files.js';

type Json = Record<string, any>;

// ---- what a synth wrote -----------------------------------------------------------------------------------

interface Rendered {
  /** Every object of every app folder, with the folder it came from. */
  readonly objects: readonly { readonly app: string; readonly file: string; readonly manifest: Json }[];
  /** The bootstrap layer's cdk.tf.json. */
  readonly terraform: Json;
}

/** Parses a config and synthesizes it into a fresh temp folder, which is removed again; returns what was written. */
export function synthesizeRaw(raw: PlatformConfigInput): Rendered {
  const config = parsePlatformConfig(raw, 'generated.config.ts');
  const root = tempDir('mcp-platform-properties-');
  try {
    const out = { manifestsDir: join(root, 'dist'), terraformDir: join(root, 'cdktf.out') };
    try {
      synthesize(config, out);
    } catch (error) {
      if (error instanceof SynthError) {
        const errors = error.report.policy.findings.filter((f) => f.level === 'error').map((f) => `[${f.ruleId}] ${f.object}: ${f.reasons.join('; ')}`);
        throw new Error(`${error.message}\n${[...error.report.schemaErrors, ...errors].map((line) => `  ${line}`).join('\n')}`);
      }
      throw error;
    }
    const objects: { app: string; file: string; manifest: Json }[] = [];
    for (const app of readdirSync(out.manifestsDir).sort()) {
      for (const file of readdirSync(join(out.manifestsDir, app)).sort()) {
        objects.push({ app, file, manifest: parseYaml(readFileSync(join(out.manifestsDir, app, file), 'utf8'), { version: '1.1' }) });
      }
    }
    const terraform = JSON.parse(readFileSync(join(out.terraformDir, 'stacks', 'bootstrap', 'cdk.tf.json'), 'utf8'));
    return { objects, terraform };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// ---- Kubernetes name and label rules ------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

type NameRule = { readonly rule: 'DNS-1035 label' | 'DNS-1123 label' | 'DNS-1123 subdomain'; readonly why: string };

/** What the API server (or the operator that turns the object into others) requires of an object's name. */
export function nameRuleOf(apiVersion: string, kind: string): NameRule {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (kind === 'Service' && group === '') return { rule: 'DNS-1035 label', why: 'Service names are DNS-1035 labels' };
  if (kind === 'Namespace' && group === '') return { rule: 'DNS-1123 label', why: 'Namespace names are DNS-1123 labels' };
  if (kind === 'Job') return { rule: 'DNS-1123 label', why: 'a Job name is also the value of its pods\' job-name label' };
  if (kind === 'MCPServer' && group === 'kagent.dev') return { rule: 'DNS-1035 label', why: 'kmcp creates a Service named after the MCPServer' };
  if ((kind === 'Cluster' || kind === 'Pooler') && group === 'postgresql.cnpg.io') return { rule: 'DNS-1035 label', why: `CloudNativePG creates Services named after the ${kind}` };
  return { rule: 'DNS-1123 subdomain', why: `${kind} names are DNS-1123 subdomains` };
}

export function nameProblem(name: unknown, rule: NameRule): string | undefined {
  if (typeof name !== 'string') return `has no name`;
  const ok =
    rule.rule === 'DNS-1035 label' ? DNS1035_LABEL.test(name) && name.length <= 63
    : rule.rule === 'DNS-1123 label' ? DNS1123_LABEL.test(name) && name.length <= 63
    : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  return ok ? undefined : `name ${JSON.stringify(name)} is not a ${rule.rule} (${rule.why})`;
}

/** Why `key` is not a Kubernetes qualified name (label or annotation key); undefined when it is one. */
export function keyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `key ${JSON.stringify(key)} has more than one "/"`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && !(DNS1123_SUBDOMAIN.test(prefix) && prefix.length <= 253)) return `key ${JSON.stringify(key)} has a prefix that is not a DNS-1123 subdomain`;
  if (!(QUALIFIED_NAME.test(name) && name.length <= 63)) return `key ${JSON.stringify(key)} is not a qualified name (at most 63 of [A-Za-z0-9._-], alphanumeric at both ends)`;
  return undefined;
}

export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `value ${JSON.stringify(value)} is not a string`;
  return LABEL_VALUE.test(value) && value.length <= 63 ? undefined : `value ${JSON.stringify(value)} is not a label value (at most 63 of [A-Za-z0-9._-], alphanumeric at both ends)`;
}

function labelMapProblems(map: unknown, where: string): string[] {
  if (!map || typeof map !== 'object') return [];
  return Object.entries(map as Json).flatMap(([key, value]) =>
    [keyProblem(key), labelValueProblem(value)].filter((p): p is string => p !== undefined).map((p) => `${where}: label ${p}`),
  );
}

/**
 * Label maps and annotation keys anywhere in an object: metadata.labels/annotations at any depth (pod templates,
 * custom resources' embedded templates), matchLabels, nodeSelector and kmcp's spec.deployment.labels. Cilium's
 * peer selectors (`k8s:`-prefixed keys) are Cilium's syntax, not Kubernetes labels, and are left out.
 */
function labelProblems(manifest: Json): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, path: string[]): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((v, i) => visit(v, [...path, String(i)]));
    for (const [key, child] of Object.entries(value as Json)) {
      const here = [...path, key];
      const where = here.join('.');
      const parent = path.at(-1);
      if ((key === 'labels' && parent === 'metadata') || key === 'matchLabels' || key === 'nodeSelector' || where === 'spec.deployment.labels') {
        problems.push(...labelMapProblems(child, where));
      }
      if (key === 'annotations' && parent === 'metadata' && child && typeof child === 'object') {
        for (const k of Object.keys(child)) {
          const p = keyProblem(k);
          if (p) problems.push(`${where}: annotation ${p}`);
        }
      }
      visit(child, here);
    }
  };
  if (manifest.kind === 'CiliumNetworkPolicy') visit({ metadata: manifest.metadata, spec: { endpointSelector: manifest.spec?.endpointSelector } }, []);
  else visit(manifest, []);
  return problems;
}

// ---- pods, whether a template renders them or an operator makes them from a custom resource --------------------

interface Pod {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** `Kind name` of the object the pods come from. */
  readonly owner: string;
}

/** The pods of an object: its pod template, or the pods its operator makes (kmcp, ToolHive, CloudNativePG). */
export function podsOf(manifest: Json): Pod[] {
  const namespace = manifest.metadata?.namespace ?? '';
  const name: string = manifest.metadata?.name;
  const owner = `${manifest.kind} ${name}`;
  const group = String(manifest.apiVersion ?? '').split('/')[0];
  const template = podTemplateOf(manifest);
  if (template) return [{ namespace, labels: template.labels, owner }];
  if (manifest.kind === 'MCPServer' && group === 'kagent.dev') {
    return [{ namespace, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name }, owner }];
  }
  if (manifest.kind === 'MCPServer' && group === 'toolhive.stacklok.dev') {
    return [
      { namespace, labels: { ...(manifest.spec?.podTemplateSpec?.metadata?.labels ?? {}), 'toolhive-name': name }, owner },
      { namespace, labels: { 'toolhive-name': name, toolhive: 'true' }, owner: `${owner} (proxy)` },
    ];
  }
  if (manifest.kind === 'Cluster' && group === 'postgresql.cnpg.io') {
    const inherited = manifest.spec?.inheritedMetadata?.labels ?? {};
    return [{ namespace, labels: { ...inherited, 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceRole': 'primary', role: 'primary' }, owner }];
  }
  if (manifest.kind === 'Pooler' && group === 'postgresql.cnpg.io') {
    const labels = manifest.spec?.template?.metadata?.labels ?? {};
    return [{ namespace, labels: { ...labels, 'cnpg.io/poolerName': name, 'cnpg.io/cluster': manifest.spec?.cluster?.name, 'cnpg.io/podRole': 'pooler' }, owner }];
  }
  return [];
}

const isEmptySelector = (selector: Json | undefined) => !selector || (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length);

// ---- the properties of a valid config's output ---------------------------------------------------------------

/** Every way the written output breaks the rules above; empty when it holds. */
export function outputProblems({ objects, terraform }: Rendered): string[] {
  const problems: string[] = [];
  const manifests = objects.map((o) => o.manifest);
  const describe = (m: Json) => `${m.kind} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name}`;

  // Names valid for their kind; labels and annotation keys valid.
  for (const { app, manifest } of objects) {
    const problem = nameProblem(manifest.metadata?.name, nameRuleOf(manifest.apiVersion, manifest.kind));
    if (problem) problems.push(`${app}/${describe(manifest)}: ${problem}`);
    for (const p of labelProblems(manifest)) problems.push(`${app}/${describe(manifest)}: ${p}`);
  }

  // Terraform: Helm release names Helm accepts, one namespace resource per name.
  const resources: Json = terraform.resource ?? {};
  for (const [id, release] of Object.entries<Json>(resources.helm_release ?? {})) {
    const name = release.name;
    if (typeof name !== 'string' || name.length > 53 || !DNS1123_SUBDOMAIN.test(name)) {
      problems.push(`terraform helm_release ${id}: release name ${JSON.stringify(name)} is not a DNS-1123 name of at most 53 characters (Helm refuses it)`);
    }
  }
  const namespaces = new Map<string, string[]>();
  for (const type of ['kubernetes_namespace', 'kubernetes_namespace_v1']) {
    for (const [id, resource] of Object.entries<Json>(resources[type] ?? {})) {
      const metadata = Array.isArray(resource.metadata) ? resource.metadata[0] : resource.metadata;
      const name = metadata?.name;
      namespaces.set(name, [...(namespaces.get(name) ?? []), `${type}.${id}`]);
      const problem = nameProblem(name, nameRuleOf('v1', 'Namespace'));
      if (problem) problems.push(`terraform ${type}.${id}: ${problem}`);
      for (const p of labelMapProblems(metadata?.labels, 'metadata.labels')) problems.push(`terraform ${type}.${id}: ${p}`);
    }
  }
  for (const [name, ids] of namespaces) {
    if (ids.length > 1) problems.push(`terraform: namespace ${JSON.stringify(name)} is created by ${ids.length} resources (${ids.join(', ')}): the second apply fails with "already exists"`);
  }

  // NetworkPolicies (and CiliumNetworkPolicies) select pods that something renders.
  const pods = manifests.flatMap(podsOf);
  for (const m of manifests) {
    const selector = m.kind === 'NetworkPolicy' ? m.spec?.podSelector : m.kind === 'CiliumNetworkPolicy' ? m.spec?.endpointSelector : undefined;
    if ((m.kind !== 'NetworkPolicy' && m.kind !== 'CiliumNetworkPolicy') || isEmptySelector(selector)) continue;
    const namespace = m.metadata?.namespace ?? '';
    if (!pods.some((p) => p.namespace === namespace && selectorMatches(selector, p.labels))) {
      problems.push(`${describe(m)}: selects ${JSON.stringify(selector)}, which no rendered pod in "${namespace}" carries`);
    }
  }

  // A Service's selector picks the pods of one workload only (one of the platform's names used twice).
  for (const m of manifests) {
    const selector = m.kind === 'Service' ? m.spec?.selector : undefined;
    if (!selector || !Object.keys(selector).length) continue;
    const namespace = m.metadata?.namespace ?? '';
    const owners = [...new Set(pods.filter((p) => p.namespace === namespace && selectorMatches({ matchLabels: selector }, p.labels)).map((p) => p.owner.replace(/ \(proxy\)$/, '')))];
    if (owners.length > 1) problems.push(`${describe(m)}: selector ${JSON.stringify(selector)} picks the pods of ${owners.join(' and ')}`);
  }

  // One sync object per Secret.
  const targets = new Map<string, string[]>();
  const target = (namespace: string, name: unknown, by: string) => {
    const key = `${namespace}/${String(name)}`;
    targets.set(key, [...(targets.get(key) ?? []), by]);
  };
  for (const m of manifests) {
    const namespace = m.metadata?.namespace ?? '';
    if (m.kind === 'ExternalSecret') target(namespace, m.spec?.target?.name ?? m.metadata?.name, describe(m));
    if (m.kind === 'InfisicalSecret') {
      for (const ref of [...(m.spec?.managedKubeSecretReferences ?? []), ...(m.spec?.managedSecretReference ? [m.spec.managedSecretReference] : [])]) {
        target(ref.secretNamespace ?? namespace, ref.secretName, describe(m));
      }
    }
  }
  for (const [secret, by] of targets) if (by.length > 1) problems.push(`Secret ${secret} is the target of ${by.length} sync objects: ${by.join(', ')}`);

  return problems;
}

// ---- the properties of an invalid config's error --------------------------------------------------------------

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Does `line` start with the config path `field` (followed by ":", ".", "[" or a space)? */
const startsWithField = (line: string, field: string) => new RegExp(`^${escape(field)}(?=$|[:.\\[ ])`).test(line);

/** Does a line of `message` start with `field` (as a config path), or name it? */
export function namesField(message: string, field: string): boolean {
  const names = new RegExp(`(^|[\\s"'\`(])${escape(field)}(?=$|[:.\\[\\s"'\`),])`);
  return message
    .split('\n')
    .map((line) => line.trim().replace(/^-\s*/, ''))
    .some((line) => startsWithField(line, field) || names.test(line));
}

/** A stack-trace line ("    at fn (/path/file.ts:12:5)"), not a message line that happens to say "at least". */
const STACK_LINE = /\n\s+at (?:[^\n]* \()?(?:file:|node:|\/)[^\n]*:\d+:\d+\)?/;

/** Why the error for an invalid case is not good enough; undefined when it is. */
export function refusalProblem(c: InvalidCase): string | undefined {
  let error: unknown;
  try {
    synthesizeRaw(c.raw);
  } catch (e) {
    error = e;
  }
  if (error === undefined) return `accepted (mistake: ${c.mistake}); expected an error naming ${c.field}`;
  const message = error instanceof Error ? error.message : String(error);
  const kind = error instanceof ConfigError ? 'ConfigError' : error instanceof Error ? error.name : typeof error;
  if (STACK_LINE.test(message)) return `${c.mistake}: the ${kind} message carries a stack trace:\n${message}`;
  if (![c.field, ...(c.alternatives ?? [])].some((field) => namesField(message, field))) {
    return `${c.mistake}: the ${kind} names no line ${c.field}${c.alternatives?.length ? ` (or ${c.alternatives.join(', ')})` : ''}:\n${message}`;
  }
  return undefined;
}

// ---- the properties of a valid config ------------------------------------------------------------------------

/**
 * Why a valid config fails; undefined when it synthesizes and its output holds, or when it is one of the edge cases
 * the platform may refuse (contestedFields) and a ConfigError refuses it clearly: every problem starts with such a field.
 */
export function validConfigProblem(raw: PlatformConfigInput): string | undefined {
  let rendered: Rendered;
  try {
    rendered = synthesizeRaw(raw);
  } catch (error) {
    const contested = contestedFields(raw);
    if (error instanceof ConfigError && contested.length) {
      const lines = error.problems.flatMap((p) => p.split('\n')).map((line) => line.trim().replace(/^-\s*/, ''));
      // A name's problem may be put as the part's ("mcpServers[3] (server \"gateway\"): ... give the server another name").
      const about = (line: string, field: string) =>
        startsWithField(line, field) || (field.endsWith('.name') && new RegExp(`^${escape(field.slice(0, -'.name'.length))}(?=$|[: ])`).test(line));
      if (lines.every((line) => contested.some((field) => about(line, field)))) return undefined;
    }
    const kind = error instanceof ConfigError ? 'ConfigError' : error instanceof Error ? error.name : typeof error;
    return `${kind}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const problems = outputProblems(rendered);
  return problems.length ? `the output breaks ${problems.length} rule(s):\n${problems.map((p) => `  - ${p}`).join('\n')}` : undefined;
}

