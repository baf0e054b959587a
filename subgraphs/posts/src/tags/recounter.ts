import { setTimeout as sleep } from 'node:timers/promises';
import type { PostModel } from '../posts/model';
import type { TagCountModel } from './model';

/** Options for {@link createTagRecounter}. */
export interface TagRecounterOptions {
  posts: PostModel;
  tagCounts: TagCountModel;
  /** Least time between two recounts of one tag in this process. @defaultValue 1000 */
  minIntervalMs?: number;
  /**
   * How far the clock of a process that enqueues may be behind ours: a recount covers an event
   * only if it started this long after the event's job was enqueued. @defaultValue 250
   */
  clockMarginMs?: number;
}

/** Recounts of tags, shared between the events that one recount covers. */
export interface TagRecounter {
  /**
   * Resolves once `tag` was recounted by a count that started after `enqueuedAt` (ms since the
   * epoch: when the event's job was enqueued, after its write): one running or finished in this
   * process, or a new one. Rejects when that recount fails.
   */
  recount(tag: string, enqueuedAt: number): Promise<void>;
}

interface TagState {
  running: { startedAt: number; done: Promise<void> } | undefined;
  /** When the last successful recount started. */
  lastStartedAt: number;
}

/**
 * One recount of a tag counts every post written before it started, so each event waiting for
 * that tag needs only a recount that started after its write, not one of its own. On FerretDB a
 * count reads every post carrying the tag, and one post write queues a recount per tag it
 * carries: shared, and at most one per tag per `minIntervalMs`, the recounts keep pace with the
 * writes instead of piling up behind them.
 */
export function createTagRecounter(options: TagRecounterOptions): TagRecounter {
  const { posts, tagCounts } = options;
  const minIntervalMs = options.minIntervalMs ?? 1_000;
  const clockMarginMs = options.clockMarginMs ?? 250;
  for (const [name, value] of Object.entries({ minIntervalMs, clockMarginMs })) {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`tag recounter: ${name} must be 0 or more, got ${value}`);
  }
  const states = new Map<string, TagState>();

  /**
   * The count is recomputed, never incremented, so it cannot drift with FerretDB's lost updates.
   * Two recounts racing in different processes still end on the true count: each counts again
   * after writing, and writes again if it moved.
   */
  const countTag = async (tag: string) => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const count = await posts.countDocuments({ tags: tag, deletedAt: null });
      await tagCounts.updateOne({ _id: tag }, { $set: { count, countedAt: new Date() } }, { upsert: true });
      if ((await posts.countDocuments({ tags: tag, deletedAt: null })) === count) return;
    }
  };

  return {
    async recount(tag, enqueuedAt) {
      const after = enqueuedAt + clockMarginMs;
      let state = states.get(tag);
      if (!state) states.set(tag, (state = { running: undefined, lastStartedAt: 0 }));
      for (;;) {
        const running = state.running;
        if (running) {
          if (running.startedAt > after) return running.done;
          await running.done.catch(() => undefined);
          continue;
        }
        if (state.lastStartedAt > after) return;
        const wait = Math.max(after + 1 - Date.now(), state.lastStartedAt + minIntervalMs - Date.now());
        if (wait > 0) {
          await sleep(wait);
          continue;
        }
        const startedAt = Date.now();
        const current = state;
        const done = countTag(tag).then(() => {
          current.lastStartedAt = Math.max(current.lastStartedAt, startedAt);
        });
        current.running = { startedAt, done };
        const forget = () => {
          if (current.running?.done === done) current.running = undefined;
          // Tags are the users' words: keep a tag's state only while it can still save a recount.
          setTimeout(() => {
            if (!current.running && states.get(tag) === current) states.delete(tag);
          }, minIntervalMs + clockMarginMs).unref();
        };
        void done.then(forget, forget);
        return done;
      }
    },
  };
}
