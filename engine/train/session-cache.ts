// One compiled session per (graph kind, model config, dtype, session options), shared process-wide:
// parameters are inputs, so every checkpoint of a config reuses the same session.

import type * as ort from 'onnxruntime-node';
import { type SessionConfig, createSession } from '../onnx';
import type { BuiltGraph } from '../model';

const cache = new Map<string, Promise<{ session: ort.InferenceSession; built: BuiltGraph }>>();

export function cachedSession(
  key: string,
  build: () => BuiltGraph,
  sessionCfg: SessionConfig,
): Promise<{ session: ort.InferenceSession; built: BuiltGraph }> {
  const fullKey = `${key}|${JSON.stringify(sessionCfg)}`;
  let hit = cache.get(fullKey);
  if (!hit) {
    hit = (async () => {
      const built = build();
      return { session: await createSession(built.bytes, sessionCfg), built };
    })();
    cache.set(fullKey, hit);
    hit.catch(() => cache.delete(fullKey));
  }
  return hit;
}

/** Release every cached session (tests, or a worker switching models). */
export async function clearSessionCache(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  for (const p of all) {
    try {
      await (await p).session.release();
    } catch {
      // A session that failed to build has nothing to release.
    }
  }
}
