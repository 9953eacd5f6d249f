// Every workflow the worker registers (Temporal bundles this file and what it imports).
export { doctorWorkflow } from './doctor';
export { r1Pipeline } from './pipeline';
export { grpoStageWorkflow, pretrainStageWorkflow, sftStageWorkflow } from './stages';
