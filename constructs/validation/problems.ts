/** Throws one error listing every problem with a construct's props, each on its own line; nothing when empty. */
export function throwIfProblems(where: string, problems: readonly string[]): void {
  if (problems.length) throw new Error(`${where}:\n${problems.map((m) => `  - ${m}`).join('\n')}`);
}
