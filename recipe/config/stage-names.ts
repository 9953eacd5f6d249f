// The recipe's stages in order. A module of its own, without zod, so that workflow code can use
// the names without initialising the config schema (see workflows/pipeline.ts).
export const STAGE_NAMES = ['pretrain', 'r1Zero', 'coldStartSft', 'reasoningRl', 'rejectionSft', 'finalRl'] as const;
export type StageName = (typeof STAGE_NAMES)[number];
export const GRPO_STAGES = ['r1Zero', 'reasoningRl', 'finalRl'] as const satisfies readonly StageName[];
export type GrpoStageName = (typeof GRPO_STAGES)[number];
