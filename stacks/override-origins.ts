/**
 * Where the servers of a config `extendPlatformConfig` returned came from: problems found later (parsing,
 * servers folders, rendering) name the override's entry the user wrote, not a position in a merged list they
 * never see. Kept on the config under a registered symbol, not in a module-level map: an environments file
 * loaded as CommonJS gets its own copy of the modules, and the origins must survive the crossing.
 */
const ORIGINS = Symbol.for('mcp-platform.override-origins');

/** The override's entry a merged server came from. */
export interface ServerOrigin {
  /** Its index in the override's `mcpServers`. */
  readonly index: number;
  readonly name: string;
  /** The base lists no server of this name: the entry adds one. */
  readonly added: boolean;
  /** Added without the fields every server gives (source, transport): most likely meant to change a server of a servers folder. */
  readonly partial: boolean;
  /** The fields the entry itself gives; a changed server keeps the base's others. */
  readonly fields: readonly string[];
}

export interface OverrideOrigins {
  /** By index in the merged `mcpServers`: the servers an override's entry added or changed. */
  readonly servers: ReadonlyMap<number, ServerOrigin>;
  /** A server name the override removed through `mcp.excludeServers`, to its index in the override's `mcpServers`. */
  readonly removedBy: ReadonlyMap<string, number>;
  /** What is wrong with the override's entries themselves; parsing reports them under the environment's name. */
  readonly problems: readonly string[];
}

/** `config` with its origins attached (not enumerable: spreading or serializing the config leaves them out). */
export function withOverrideOrigins<T extends object>(config: T, origins: OverrideOrigins): T {
  Object.defineProperty(config, ORIGINS, { value: origins, enumerable: false });
  return config;
}

/** The origins of a config `extendPlatformConfig` returned (its last override); undefined for any other value. */
export function overrideOrigins(config: unknown): OverrideOrigins | undefined {
  return typeof config === 'object' && config !== null ? ((config as Record<symbol, unknown>)[ORIGINS] as OverrideOrigins | undefined) : undefined;
}

/** How an override's server is named: "the override's mcpServers[1]". */
export function overrideEntry(origin: ServerOrigin): string {
  return `the override's mcpServers[${origin.index}]`;
}

/** What to do about a partial entry: an override reaches only the servers the base lists. */
export function partialEntryHint(origin: ServerOrigin): string {
  return `${overrideEntry(origin)} (server "${origin.name}"): an override changes only servers the base config lists in mcpServers; to change "${origin.name}" of a servers folder, give this environment a folder of its own after the shared one (mcp.serversDir: ["servers", "<env>/servers"]) holding its own ${origin.name}.ts`;
}

/**
 * Problems in the override's words: a path `mcpServers[3]...` of a server an override entry added or changed
 * becomes `the override's mcpServers[1]... (server "name")`. With `hints`, each partial entry among them gets
 * a line saying how to change a server of a servers folder.
 */
export function inOverrideWords(problems: readonly string[], origins: OverrideOrigins, options: { readonly hints?: boolean } = {}): string[] {
  const partial = new Set<ServerOrigin>();
  const worded = problems.map((problem) => {
    const match = /^mcpServers\[(\d+)\]/.exec(problem);
    const origin = match ? origins.servers.get(Number(match[1])) : undefined;
    if (!origin) return problem;
    if (origin.partial) partial.add(origin);
    const colon = problem.indexOf(': ');
    const path = colon === -1 ? problem : problem.slice(0, colon);
    // A construct's message may name the server itself right after the index: keep one name.
    const rest = path.slice(match![0].length).replace(new RegExp(`^ \\(server "${origin.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\)`), '');
    const field = /^\.([A-Za-z]+)/.exec(rest)?.[1];
    if (!origin.added && field && !origin.fields.includes(field)) {
      // The entry changed other fields (the flavour, say) and this one came along from the base: removing it from the entry is no fix.
      const said = colon === -1 ? '' : problem.slice(colon).replace(/; remove it$/, '');
      return `${overrideEntry(origin)}${rest} (server "${origin.name}", kept from the base config)${said}; the entry does not set ${field}: give ${field}: undefined in it to drop the base's in this environment`;
    }
    return `${overrideEntry(origin)}${rest} (server "${origin.name}")${colon === -1 ? '' : problem.slice(colon)}`;
  });
  if (options.hints) for (const origin of partial) worded.push(partialEntryHint(origin));
  return worded;
}
