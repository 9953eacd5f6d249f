// Typed keys of the custom search attributes the pipeline upserts (registered by `dev up`).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const STAGE_KEY = defineSearchAttributeKey('R1flowStage', SearchAttributeType.KEYWORD);
export const STEP_KEY = defineSearchAttributeKey('R1flowStep', SearchAttributeType.INT);
export const PRESET_KEY = defineSearchAttributeKey('R1flowPreset', SearchAttributeType.KEYWORD);
export const LINEAGE_KEY = defineSearchAttributeKey('R1flowLineage', SearchAttributeType.KEYWORD);
