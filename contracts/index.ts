// The workflow boundary in one place: task queues, search attributes, messages, stage and
// activity inputs and results. Workflows, activities, workers, the CLI and tests import these.
export * from './activities';
export * from './messages';
export * from './progress';
export * from './queues';
export * from './search-attributes';
export * from './stages';
