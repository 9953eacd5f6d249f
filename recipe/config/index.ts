export * from './schema';
export * from './errors';
export * from './presets';
export * from './resolve';
export * from './load';
export * from './hash';
