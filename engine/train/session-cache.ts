// Compiled sessions by graph (kind, model config, variant) for one device. Parameters are graph
// inputs, so every checkpoint of a model config reuses the same compiled session.

import type * as ort from 'onnxruntime-node';
import { createSession, type Device, type SessionTuning } from '../device';
import type { BuiltGraph } from '../model';

export interface CompiledGraph {
  session: ort.InferenceSession;
  built: BuiltGraph;
}

/** Where a trainer gets its compiled graphs from (an EngineRuntime, in practice). */
export interface GraphSessions {
  readonly device: Device;
  compiled(key: string, build: () => BuiltGraph): Promise<CompiledGraph>;
}

export class SessionCache implements GraphSessions {
  private readonly entries = new Map<string, Promise<CompiledGraph>>();

  constructor(
    readonly device: Device,
    private readonly tuning: SessionTuning = {},
  ) {}

  compiled(key: string, build: () => BuiltGraph): Promise<CompiledGraph> {
    let hit = this.entries.get(key);
    if (!hit) {
      hit = (async () => {
        const built = build();
        return { session: await createSession(built.bytes, { ...this.tuning, device: this.device }), built };
      })();
      this.entries.set(key, hit);
      hit.catch(() => this.entries.delete(key));
    }
    return hit;
  }

  /** Releases every compiled session. */
  async release(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const p of all) {
      try {
        await (await p).session.release();
      } catch {
        // A session that failed to build has nothing to release.
      }
    }
  }
}
