export { createQueueDashboard, type QueueDashboard, type QueueDashboardOptions } from './create-queue-dashboard';
