/** Sizing presets. A preset only supplies defaults: any variable set in the environment wins. */
export const PRESET_NAMES = ['starter', 'growth', 'high-scale'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const PRESETS: Record<PresetName, Readonly<Record<string, string>>> = {
  starter: {
    DB_POOL_SIZE: '10',
    DB_MIN_POOL_SIZE: '1',
    WORKER_CONCURRENCY: '5',
  },
  growth: {
    DB_POOL_SIZE: '50',
    DB_MIN_POOL_SIZE: '10',
    DB_MAX_IDLE_TIME_MS: '30000',
    WORKER_CONCURRENCY: '20',
  },
  'high-scale': {
    DB_POOL_SIZE: '100',
    DB_MIN_POOL_SIZE: '50',
    DB_WAIT_QUEUE_TIMEOUT_MS: '5000',
    WORKER_CONCURRENCY: '50',
    DISABLE_STALLED_JOB_CHECK: 'false',
    SHUTDOWN_TIMEOUT_MS: '30000',
  },
};
