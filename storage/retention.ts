// Retention of a finished run's objects in S3, as its config says (recipe/config RetentionSchema):
// which keys may go, and deleting them together with their manifest entries so that the manifest
// keeps listing only what is there. Checkpoints that finished a stage are never candidates:
// resumeFrom, lineages, the pretraining cache and the report point at them.
import type { ArtifactStore } from './artifact-store';
import { runPrefix } from './keys';
import { updateManifest, type RunManifest } from './manifest';

type Rule = 'keep' | { deleteAfterDays: number };

export interface RetentionRules {
  scratch: Rule;
  intermediateCheckpoints: Rule;
}

export interface RetentionPlan {
  runId: string;
  /** why nothing is planned, when nothing is */
  skipped?: string;
  keys: string[];
  bytes: number;
}

const DAY_MS = 86_400_000;

function due(rule: Rule, finishedAt: number, now: number): boolean {
  return rule !== 'keep' && finishedAt + rule.deleteAfterDays * DAY_MS <= now;
}

/** The rules a run was started with (its manifest records the resolved config); keep when there are none. */
export function rulesOf(manifest: RunManifest): RetentionRules {
  const config = manifest.info.config as { retention?: Partial<RetentionRules> } | undefined;
  return {
    scratch: config?.retention?.scratch ?? 'keep',
    intermediateCheckpoints: config?.retention?.intermediateCheckpoints ?? 'keep',
  };
}

/** The keys of a run that its retention rules let go now. A run that has not finished keeps everything. */
export function retentionPlan(manifest: RunManifest, now = Date.now()): RetentionPlan {
  const runId = manifest.runId;
  const plan: RetentionPlan = { runId, keys: [], bytes: 0 };
  const finished = typeof manifest.info.finishedAt === 'string' ? Date.parse(manifest.info.finishedAt) : NaN;
  if (!Number.isFinite(finished)) return { ...plan, skipped: 'the run has not finished' };
  const rules = rulesOf(manifest);
  const prefix = `${runPrefix(runId)}/`;
  const finals = new Set(
    Object.values(manifest.stages)
      .map((s) => s.checkpoint?.key)
      .filter((k): k is string => typeof k === 'string')
      .map((k) => `${k.replace(/\/+$/, '')}/`),
  );
  for (const [key, entry] of Object.entries(manifest.objects)) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const scratch = /^[^/]+\/(rollouts|scored)\/step-\d+\.json$/.test(rest);
    const checkpoint = /^[^/]+\/ckpt\/step-\d+\//.exec(rest);
    const intermediate = checkpoint !== null && !finals.has(`${prefix}${checkpoint[0]}`);
    if (
      (scratch && due(rules.scratch, finished, now)) ||
      (intermediate && due(rules.intermediateCheckpoints, finished, now))
    ) {
      plan.keys.push(key);
      plan.bytes += entry.size;
    }
  }
  plan.keys.sort();
  if (plan.keys.length === 0) plan.skipped = 'its retention keeps everything that is left';
  return plan;
}

/**
 * Removes a plan's keys from the manifest first, then deletes the objects: an interrupted run of
 * this can leave objects the manifest no longer lists (which nothing reads), never an entry
 * without its object. The manifest records what went.
 */
export async function applyRetention(store: ArtifactStore, plan: RetentionPlan, now = new Date()): Promise<void> {
  if (plan.keys.length === 0) return;
  await updateManifest(store, plan.runId, (m) => {
    for (const key of plan.keys) delete m.objects[key];
    const earlier = (m.info.retention as { objects?: number; bytes?: number } | undefined) ?? {};
    m.info.retention = {
      lastAppliedAt: now.toISOString(),
      objects: (earlier.objects ?? 0) + plan.keys.length,
      bytes: (earlier.bytes ?? 0) + plan.bytes,
    };
  });
  for (let i = 0; i < plan.keys.length; i += 500)
    await Promise.all(plan.keys.slice(i, i + 500).map((key) => store.delete(key)));
}
