export * from './batch';
export * from './trainer';
export { SessionCache, type CompiledGraph, type GraphSessions } from './session-cache';
