// Work in progress a headless host waits for (vary runs, analyses): each piece holds a place
// until it releases it, and `settled` waits until none holds one.

/** The runs in progress: `hold()` marks one until its release is called. */
export class RunningSet {
  private readonly running = new Set<Promise<void>>();

  /** Marks a run as in progress; the returned function releases it (calling it twice is harmless). */
  hold(): () => void {
    let release!: () => void;
    const p = new Promise<void>((resolve) => (release = resolve));
    this.running.add(p);
    return () => {
      this.running.delete(p);
      release();
    };
  }

  /** Whether a run is in progress. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  /** Resolves once no run is in progress (bounded: each round waits for the runs held at its start). */
  async settled(maxRounds = 1_000): Promise<void> {
    for (let round = 0; this.running.size && round < maxRounds; round++) await Promise.allSettled([...this.running]);
  }
}
