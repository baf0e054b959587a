export {
  createHttpService,
  type HttpService,
  type HttpServiceOptions,
  type RequestInfo,
  type ScreenRefusal,
} from './create-http-service';
export { handleSignals } from './handle-signals';
export { runReadiness, type ReadinessChecks, type ReadinessReport } from './readiness';
export { sendError, readBody, BodyTooLargeError, DEFAULT_MAX_BODY_BYTES } from './http-errors';
export { formatError } from './format-error';
export { causesOf, createOutageLog, SERVICE_UNAVAILABLE, type ServiceUnavailableOptions } from './service-unavailable';
export { withTimeout } from './with-timeout';
export { DEADLINE_HEADER } from './deadline-header';
