// The custom search attributes the pipeline upserts, so runs can be filtered in the UI (e.g.
// `R1flowStage = "reasoningRl"`). This list is the one place they are defined: `dev up`
// registers them, `doctor` checks them, workflows upsert them and the CLI reads them.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const STAGE_KEY = defineSearchAttributeKey('R1flowStage', SearchAttributeType.KEYWORD);
export const STEP_KEY = defineSearchAttributeKey('R1flowStep', SearchAttributeType.INT);
export const PRESET_KEY = defineSearchAttributeKey('R1flowPreset', SearchAttributeType.KEYWORD);
export const LINEAGE_KEY = defineSearchAttributeKey('R1flowLineage', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [STAGE_KEY, STEP_KEY, PRESET_KEY, LINEAGE_KEY] as const;

/** The type names that `temporal server start-dev --search-attribute` and `temporal operator search-attribute create --type` take. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** Name → CLI type name of every r1flow search attribute, e.g. `{ R1flowStage: 'Keyword', … }`. */
export function searchAttributeTypes(): Record<string, string> {
  return Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, CLI_TYPE_NAMES[k.type]]));
}
