/**
 * Loads in flight in this process, by cache key. A key names one value at one generation, so a
 * read that misses while another read of the same key is already loading it waits for that load
 * instead of starting its own: under load, a cold or just-invalidated entry costs the database one
 * query per process, not one per concurrent reader.
 */
export interface SingleFlight {
  /**
   * The values of `keys`: those in flight from the loads already running, the others from one
   * call of `load` with only those keys, which others may join until it settles. `load` resolves
   * a map from key to value; a key it leaves out has no value (undefined).
   */
  run<T>(keys: readonly string[], load: (keys: string[]) => Promise<Map<string, T>>): Promise<Map<string, T | undefined>>;
  /** Keys loading now (for tests). */
  readonly size: number;
}

export function createSingleFlight(): SingleFlight {
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    get size() {
      return inFlight.size;
    },
    async run<T>(keys: readonly string[], load: (keys: string[]) => Promise<Map<string, T>>) {
      const unique = [...new Set(keys)];
      const started = unique.filter((key) => !inFlight.has(key));
      if (started.length > 0) {
        const batch = load(started);
        for (const key of started) {
          const value = batch.then((loaded) => loaded.get(key));
          inFlight.set(key, value);
          // Gone once settled: a later miss loads afresh. (A rejection is the callers' to see.)
          const forget = () => {
            if (inFlight.get(key) === value) inFlight.delete(key);
          };
          void value.then(forget, forget);
        }
      }
      const values = await Promise.all(unique.map((key) => inFlight.get(key) as Promise<T | undefined>));
      return new Map(unique.map((key, index) => [key, values[index]]));
    },
  };
}
