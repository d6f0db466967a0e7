/** A promise awaited later: until then its failure must not count as an unhandled rejection. */
export function guarded<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
