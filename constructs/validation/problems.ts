/**
 * A construct's props are wrong: `where` names the construct ("McpServer github"), `problems` has one line per
 * wrong prop, each naming the prop and the fix. The platform's synth catches it and reports the lines under
 * the config path the construct was built from, without a stack trace.
 */
export class PropsError extends Error {
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
  ) {
    super(`${where}:\n${problems.map((m) => `  - ${m}`).join('\n')}`);
    this.name = 'PropsError';
  }
}

/** Throws one error listing every problem with a construct's props, each on its own line; nothing when empty. */
export function throwIfProblems(where: string, problems: readonly string[]): void {
  if (problems.length) throw new PropsError(where, problems);
}
