export * from './config';
export * from './params';
export * from './rng';
export * from './forward';
export * from './heads';
export * from './graphs';
