export * from './schema';
export * from './older-configs';
export * from './errors';
export * from './presets';
export * from './resolve';
export * from './load';
export * from './hash';
