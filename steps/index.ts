/** The R1 recipe's stages as in-process functions; activities wrap these. See README.md. */
export * from './policy';
export * from './problems';
export * from './prompting';
export * from './base-model';
export * from './training';
export * from './pretrain';
export * from './sft';
export * from './rollout';
export * from './score';
export * from './grpo';
export * from './datasets';
export * from './evaluate';
export * from './step-metrics';
