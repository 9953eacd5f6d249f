export { EngineRuntime } from './engine-runtime';
