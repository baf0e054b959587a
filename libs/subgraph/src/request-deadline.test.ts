import { performance } from 'node:perf_hooks';
import { DEADLINE_HEADER } from '@supergraph/server';
import { GraphQLError } from 'graphql';
import { createDeadlineReader, deadlineIn } from './request-deadline';

const settings = { REQUEST_DEADLINE_DEFAULT_MS: 3_000, REQUEST_DEADLINE_MAX_MS: 600_000 };
const read = createDeadlineReader(settings);
const withBudget = (value?: string | string[]) => ({ headers: value === undefined ? {} : { [DEADLINE_HEADER]: value } });

describe('createDeadlineReader', () => {
  it('takes the gateway’s budget, relative to the request’s arrival', () => {
    const deadline = read(withBudget('500000'));
    expect(deadline.remainingMs()).toBeGreaterThan(settings.REQUEST_DEADLINE_DEFAULT_MS);
    expect(deadline.remainingMs()).toBeLessThanOrEqual(500_000);
    expect(deadline.at.getTime()).toBeGreaterThan(Date.now() + settings.REQUEST_DEADLINE_DEFAULT_MS);
  });

  it('uses the default without a header, or with one that is not a whole number of ms', () => {
    for (const value of [undefined, '', 'soon', '-5', '1.5', '1e9', '12345678901', ' 500000']) {
      const remaining = read(withBudget(value)).remainingMs();
      expect([value, remaining > 0 && remaining <= settings.REQUEST_DEADLINE_DEFAULT_MS]).toEqual([value, true]);
    }
  });

  it('never gives more than the maximum, whatever the header asks', () => {
    const capped = createDeadlineReader({ REQUEST_DEADLINE_DEFAULT_MS: 100, REQUEST_DEADLINE_MAX_MS: 1_000 });
    expect(capped(withBudget('999999999')).remainingMs()).toBeLessThanOrEqual(1_000);
    expect(capped(withBudget(['999999999', '5'])).remainingMs()).toBeLessThanOrEqual(1_000);
  });

  it('counts from the arrival it is given, so time spent before the context counts', () => {
    const arrivedLongAgo = performance.now() - 10_000;
    const deadline = read(withBudget('5000'), arrivedLongAgo);
    expect(deadline.expired()).toBe(true);
    expect(deadline.at.getTime()).toBeLessThan(Date.now());
  });

  it('refuses settings whose default is above the maximum, or not positive', () => {
    expect(() => createDeadlineReader({ REQUEST_DEADLINE_DEFAULT_MS: 2_000, REQUEST_DEADLINE_MAX_MS: 1_000 })).toThrow(
      /REQUEST_DEADLINE_DEFAULT_MS \(2000\) is above REQUEST_DEADLINE_MAX_MS \(1000\)/,
    );
    expect(() => createDeadlineReader({ REQUEST_DEADLINE_DEFAULT_MS: 0, REQUEST_DEADLINE_MAX_MS: 1_000 })).toThrow(
      /REQUEST_DEADLINE_DEFAULT_MS must be a positive integer/,
    );
  });
});

describe('deadlineIn', () => {
  it('answers DEADLINE_EXCEEDED saying what was not done, once past, and nothing before', () => {
    expect(() => deadlineIn(60_000).check('nothing was written.')).not.toThrow();
    const past = deadlineIn(0);
    expect(past.expired()).toBe(true);
    expect(past.remainingMs()).toBe(0);
    let thrown: unknown;
    try {
      past.check('nothing was written.');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GraphQLError);
    expect((thrown as GraphQLError).message).toBe('The request ran out of time: nothing was written.');
    expect((thrown as GraphQLError).extensions).toEqual({ code: 'DEADLINE_EXCEEDED' });
  });
});
