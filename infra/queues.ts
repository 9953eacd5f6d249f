// Task queue names, shared by workflows (which must not import node modules) and workers.
export const CONTROL_QUEUE = 'r1flow-control';
export const GPU_QUEUE = 'r1flow-gpu';
