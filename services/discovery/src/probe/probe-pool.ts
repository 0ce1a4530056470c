/**
 * Runs probes with at most `concurrency` in flight, so a large cluster never opens hundreds of
 * connections at once; every item is run, whatever the others do.
 */

/**
 * `run` for every item, at most `concurrency` at once; results in the items' order. A run that throws
 * stops no other: once all have run, the call rejects with an AggregateError of every failure, in the items' order.
 */
export async function probeAll<T, R>(items: readonly T[], concurrency: number, run: (item: T) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  const results = new Array<R>(items.length);
  const failures: { readonly index: number; readonly error: unknown }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await run(items[index]);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failures.length > 0) {
    const errors = failures.sort((a, b) => a.index - b.index).map((f) => f.error);
    const first = errors[0] instanceof Error ? errors[0].message : String(errors[0]);
    throw new AggregateError(errors, `${errors.length} of ${items.length} runs failed; the first: ${first}`);
  }
  return results;
}
