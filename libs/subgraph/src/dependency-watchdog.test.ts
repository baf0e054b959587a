import { createLogger } from '@supergraph/logger';
import { startDependencyWatchdog } from './dependency-watchdog';

/** The watchdog's decisions, on a clock the test moves: its checks are plain functions whose answers the test sets. */
describe('startDependencyWatchdog', () => {
  const logger = createLogger({ service: 'test', level: 'silent' });
  const answers: Record<string, boolean> = {};
  const check = (name: string) => () => (answers[name] ? Promise.resolve() : Promise.reject(new Error(`${name} down`)));
  let gaveUp: string[];

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    gaveUp = [];
    Object.assign(answers, { mongo: true, redis: true });
  });
  afterEach(() => jest.useRealTimers());

  const start = (exitAfterMs: number) =>
    startDependencyWatchdog({
      checks: { mongo: check('mongo'), redis: check('redis') },
      exitAfterMs,
      logger,
      intervalMs: 1_000,
      onGiveUp: (dependency) => gaveUp.push(dependency),
    });

  it('gives up, once, on a dependency that failed every check for exitAfterMs', async () => {
    const watchdog = start(5_000);
    await jest.advanceTimersByTimeAsync(3_000);
    answers.mongo = false;
    await jest.advanceTimersByTimeAsync(4_000);
    expect(gaveUp).toEqual([]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(gaveUp).toEqual(['mongo']);
    watchdog.stop();
  });

  it('starts counting afresh when the dependency answers in between', async () => {
    const watchdog = start(5_000);
    for (let round = 0; round < 4; round += 1) {
      answers.redis = false;
      await jest.advanceTimersByTimeAsync(4_000);
      answers.redis = true;
      await jest.advanceTimersByTimeAsync(1_000);
    }
    expect(gaveUp).toEqual([]);
    watchdog.stop();
  });

  it('does nothing with exitAfterMs 0, or once stopped', async () => {
    answers.mongo = false;
    start(0);
    start(2_000).stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(gaveUp).toEqual([]);
  });

  it('refuses a negative limit, naming it', () => {
    expect(() => start(-1)).toThrow(new TypeError('dependency watchdog: exitAfterMs must be an integer >= 0, got -1'));
  });
});
