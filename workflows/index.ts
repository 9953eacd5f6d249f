// Every workflow the worker registers (Temporal bundles this file and what it imports).
export { doctorWorkflow } from './doctor';
