export { CACHE_PREFIX, createCache, type Cache, type CacheOptions, type CacheStats, type ListRequest } from './create-cache';
export { encode, decode } from './codec';
export { readGenerations, bumpGenerations } from './generations';
