// The custom search attributes the pipeline upserts, so runs can be filtered in the UI
// (e.g. `R1flowStage = "reasoningRl"`). Registered by `dev up`; checked by `doctor`.
export const SEARCH_ATTRIBUTES = {
  R1flowStage: 'Keyword',
  R1flowStep: 'Int',
  R1flowPreset: 'Keyword',
  R1flowLineage: 'Keyword',
} as const;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;
