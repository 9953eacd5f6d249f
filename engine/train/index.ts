export * from './batch';
export * from './trainer';
export { clearSessionCache } from './session-cache';
