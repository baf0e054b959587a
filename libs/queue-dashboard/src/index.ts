export { createQueueDashboard, type QueueDashboard, type QueueDashboardOptions } from './create-queue-dashboard';
export type { SignInThrottleOptions } from './sign-in-throttle';
