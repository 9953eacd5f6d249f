// The config validator inside workflows, loaded on first use. The workflow sandbox initialises
// the bundle's modules afresh for every workflow it creates, and zod with the schema takes
// ~10 ms of that: loaded eagerly, every stage workflow and every continue-as-new would pay it
// without ever validating a config. `webpackMode: "eager"` keeps it inside the bundle.
import { ApplicationFailure } from '@temporalio/workflow';
import { ConfigError } from '../recipe/config/errors';
import type * as ResolveModule from '../recipe/config/resolve';
import type { PipelineConfig } from '../recipe/config/schema';

export type ConfigResolver = typeof ResolveModule;

export async function loadResolver(): Promise<ConfigResolver> {
  return import(/* webpackMode: "eager" */ '../recipe/config/resolve');
}

/** The validated config; a bad one fails the workflow at once, listing every problem, and is not retried. */
export function validateConfig(resolver: ConfigResolver, raw: unknown): PipelineConfig {
  try {
    return resolver.resolveConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) {
      throw ApplicationFailure.create({
        message: err.message,
        type: 'ConfigError',
        nonRetryable: true,
        details: [err.problems],
      });
    }
    throw err;
  }
}
