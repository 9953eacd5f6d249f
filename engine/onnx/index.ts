export * from './dtype';
export * from './shape';
export * from './graph-builder';
export * from './encode';
