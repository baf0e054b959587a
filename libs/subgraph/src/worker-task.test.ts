import { Writable } from 'node:stream';
import { createLogger } from '@supergraph/logger';
import { eventually } from '@supergraph/testing';
import { startWorkerTask } from './worker-task';

function recordingLogger() {
  const lines: Array<{ msg: string; task?: string; err?: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'worker-task-test', level: 'warn', destination }) };
}

describe('startWorkerTask', () => {
  it('runs at once and again after each run; a failed run is logged and the next one still runs', async () => {
    const { lines, logger } = recordingLogger();
    let runs = 0;
    const stop = startWorkerTask(
      {
        name: 'flaky',
        everyMs: 1,
        run: async () => {
          runs += 1;
          if (runs === 2) throw new Error('the database went away');
        },
      },
      logger,
    );
    await eventually(() => expect(runs).toBeGreaterThanOrEqual(4));
    await stop();
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'worker task failed', task: 'flaky', err: 'the database went away' }),
    );
  });

  it('stop waits for the run in progress, and nothing runs after it', async () => {
    const { logger } = recordingLogger();
    let runs = 0;
    let finished = 0;
    let started!: () => void;
    let release!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const stop = startWorkerTask(
      {
        name: 'slow',
        everyMs: 1,
        run: async () => {
          runs += 1;
          started();
          await new Promise<void>((resolve) => (release = resolve));
          finished += 1;
        },
      },
      logger,
    );
    await running;
    const stopped = stop();
    release();
    await stopped;
    expect([runs, finished]).toEqual([1, 1]);
    // An absence can only be shown by letting time pass: a timer left behind (everyMs is 1)
    // would have started another run within these 5 ms.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(runs).toBe(1);
  });

  it('refuses a pause that is not a positive whole number of ms', () => {
    const { logger } = recordingLogger();
    expect(() => startWorkerTask({ name: 'bad', everyMs: 0, run: async () => undefined }, logger)).toThrow(
      'worker task bad: everyMs must be a positive integer, got 0',
    );
  });
});
