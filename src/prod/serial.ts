/** Runs async work one at a time per key (a dataset's or a prompt's commits), in the order asked; a failure does not stop the next. */
export function serialByKey(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const chains = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const next = (chains.get(key) ?? Promise.resolve()).then(fn, fn);
    const settled = next.catch(() => undefined);
    chains.set(key, settled);
    void settled.then(() => chains.get(key) === settled && chains.delete(key));
    return next;
  };
}
