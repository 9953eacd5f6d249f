#!/usr/bin/env node
// The r1flow command. The project runs its TypeScript through tsx, so there is no build step
// between a checkout and a working CLI.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that it will one day need a newer Node; that says nothing
// about this run, so it is dropped here and every other warning is kept.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const name = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (name === 'NodeVersionSupportWarning' || warning?.name === 'NodeVersionSupportWarning') return;
  emitWarning(warning, ...rest);
};

register();
// The commands that train run with malloc tuned for large per-step buffers (infra/allocator.ts).
if (process.argv[2] === 'worker' || process.argv[2] === 'demo') {
  const { useTunedAllocator } = await import('../infra/allocator.ts');
  await useTunedAllocator().catch((err) => {
    console.error(`r1flow: ${err.message}`);
    process.exit(2);
  });
}
await import('../cli/main.ts');
