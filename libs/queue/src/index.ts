export { createJobQueue, type JobQueue } from './create-job-queue';
export { createJobWorker, type JobProcessor, type JobWorker } from './create-job-worker';
export { queuePrefix, queueRedisSettings, type QueueSettings } from './settings';
export { UnrecoverableError, type Job, type JobState } from 'bullmq';
