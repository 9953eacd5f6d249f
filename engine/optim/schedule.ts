// Learning-rate schedule: linear warmup, then cosine decay to minLrRatio * lr.

export interface LrSchedule {
  lr: number;
  /** Steps of linear warmup from 0 (step 1 gets lr / warmupSteps). */
  warmupSteps: number;
  /** Step at which the cosine reaches its floor; later steps stay at the floor. 0 = constant after warmup. */
  totalSteps: number;
  /** Floor as a fraction of lr. */
  minLrRatio: number;
}

/** Learning rate for 1-based optimizer step `step`. */
export function learningRate(s: LrSchedule, step: number): number {
  if (s.warmupSteps > 0 && step <= s.warmupSteps) return (s.lr * step) / s.warmupSteps;
  if (s.totalSteps <= s.warmupSteps) return s.lr;
  const progress = Math.min(1, (step - s.warmupSteps) / (s.totalSteps - s.warmupSteps));
  const floor = s.lr * s.minLrRatio;
  return floor + (s.lr - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
