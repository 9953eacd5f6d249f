export * from './schedule';
export * from './adamw';
export * from './state-io';
export * from './adamw-graph';
