export { ConfigError, loadConfig, checkConnections } from './load-config';
export { PRESETS, PRESET_NAMES, type PresetName } from './presets';
export {
  processVars,
  mongoVars,
  redisVars,
  cacheVars,
  workerVars,
  mailVars,
  identityVars,
  jwtVars,
  deadlineVars,
  healthVars,
  port,
  int,
  csv,
  secret,
  subgraphShape,
} from './vars';
