// Verifier throughput in one JSON object: samples per second of the accuracy reward on plain
// numbers, LaTeX answers and Countdown expressions. Calls are synchronous, so one core works at
// a time (the CAS worker thread while the caller waits). Every LaTeX pair is distinct and the
// verifier's caches are cleared before each round, so no verdict is served from memory.
// Goals (issue 13): >= 20k/s numbers, >= 500/s LaTeX, >= 20k/s Countdown.
// Run: node --import tsx bench/verifier.ts   (env ROUNDS=3)
import { accuracyReward } from '../recipe/rewards/accuracy';
import { stopCas } from '../recipe/rewards/math/cas-client';
import { clearVerifierCaches } from '../recipe/rewards/math/verify';
import type { RewardSample } from '../recipe/rewards/types';
import { generateCountdown } from '../recipe/task/countdown';
import { readCorpus } from '../test/fixtures/verifier/agreement';

const ROUNDS = Number(process.env.ROUNDS ?? 3);

const reasoning = (answer: string, completion: string): RewardSample => ({
  problem: { category: 'reasoning', answer, language: 'en' },
  completion: `<think>work</think><answer>${completion}</answer>`,
});

function numberSamples(n: number): RewardSample[] {
  return Array.from({ length: n }, (_, i) => reasoning(String(i * 7), String(i % 3 === 0 ? i * 7 : i * 7 + 1)));
}

/** LaTeX answers in the forms models write, each pair distinct: fractions, roots, percentages, sets, intervals, expressions. */
function latexSamples(n: number): RewardSample[] {
  const samples: RewardSample[] = [];
  for (let i = 0; samples.length < n; i++) {
    const a = (i % 97) + 1;
    const b = (i % 89) + 2;
    const forms: Array<[string, string]> = [
      [`\\frac{${a}}{${b}}`, `$\\dfrac{${2 * a}}{${2 * b}}$`],
      [`${a}\\sqrt{${b}}`, `\\boxed{\\sqrt{${a * a * b}}}`],
      [`${a}\\%`, `$${a}\\%$`],
      [`\\{${a}, ${b}\\}`, `$\\{${b}, ${a}\\}$`],
      [`(${a}, ${a + b}]`, `\\boxed{(${a}, ${a + b}]}`],
      [`${a}x + ${b}`, `$${b} + ${a}x$`],
      [`\\frac{${a}\\pi}{${b}}`, `$\\frac{${a}}{${b}}\\pi$`],
      [`x = ${a}`, `${a}`],
    ];
    samples.push(reasoning(...forms[i % forms.length]));
  }
  return samples;
}

function countdownSamples(n: number): RewardSample[] {
  return generateCountdown({ seed: 1, split: 'train', count: n }).map((p) => ({
    problem: p,
    completion: `<think>try</think><answer>${p.reasoning}</answer>`,
  }));
}

function rate(samples: readonly RewardSample[], before?: () => void): { samplesPerSecond: number; meanReward: number } {
  const rates: number[] = [];
  let total = 0;
  for (let round = 0; round < ROUNDS; round++) {
    before?.();
    const start = process.hrtime.bigint();
    total = 0;
    for (const s of samples) total += accuracyReward(s) ?? 0;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(samples.length / seconds);
  }
  rates.sort((x, y) => x - y);
  return { samplesPerSecond: Math.round(rates[Math.floor(rates.length / 2)]), meanReward: total / samples.length };
}

// start the CAS worker outside the timed rounds (it loads the engine once per process)
accuracyReward(reasoning('\\sqrt{2}', '$\\sqrt{2}$'));
const corpus = readCorpus().map((row) => reasoning(row.gold, row.prediction));
const result = {
  numbers: rate(numberSamples(50_000)),
  latex: rate(latexSamples(3000), clearVerifierCaches),
  latexAgreementCorpus: rate(corpus, clearVerifierCaches),
  countdown: rate(countdownSamples(20_000)),
  goals: { numbers: 20_000, latex: 500, countdown: 20_000 },
  rounds: ROUNDS,
  node: process.version,
};
console.log(JSON.stringify(result, null, 2));
await stopCas();
