/**
 * Everything a benchmark starts registers how to stop it here. The runner stops it all at the end, and on
 * Ctrl-C / SIGTERM too, in reverse order of registration, so no server or child process outlives a run.
 */
export class Cleanups {
  private readonly steps: Array<{ label: string; run: () => Promise<unknown> | unknown }> = [];
  private running: Promise<void> | undefined;

  /** Registers a stop step; returns a function that runs it now (once) and unregisters it. */
  add(label: string, run: () => Promise<unknown> | unknown): () => Promise<void> {
    const step = { label, run };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await step.run();
    };
  }

  /** Runs every registered step, newest first; a failing or hanging step (over `timeoutMs`) is reported and skipped. */
  runAll(log: (line: string) => void, timeoutMs = 30_000): Promise<void> {
    // A second caller (Ctrl-C during the normal cleanup) waits for the same pass instead of racing it.
    this.running ??= this.stopEach(log, timeoutMs).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async stopEach(log: (line: string) => void, timeoutMs: number): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(step.run),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (error) {
        log(`cleanup: stopping ${step.label} failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
