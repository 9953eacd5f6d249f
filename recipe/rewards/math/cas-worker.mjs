// Entry of the CAS worker thread. Worker threads do not inherit the parent's TypeScript loader,
// so the worker registers tsx itself before loading its TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./cas-worker-main.ts');
