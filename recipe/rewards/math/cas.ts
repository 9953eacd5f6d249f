/**
 * Symbolic equality through the Compute Engine (@cortex-js/compute-engine parses LaTeX into
 * MathJSON and evaluates it). Runs inside the CAS worker, under the caller's deadline. Two
 * expressions are equal when the engine finds them the same, or when they agree numerically: as
 * constants (to 6 decimals when a float is involved, as Math-Verify rounds; to 1e-9 relative
 * otherwise), or with variables at several points.
 */
import { ComputeEngine } from '@cortex-js/compute-engine';

type Expr = NonNullable<ReturnType<ComputeEngine['parse']>>;

let engine: ComputeEngine | undefined;
function ce(): ComputeEngine {
  engine ??= new ComputeEngine();
  return engine;
}

/** Parses, or null when the engine reports the LaTeX as invalid. */
function parse(latex: string): Expr | null {
  const expr = ce().parse(latex);
  return expr?.isValid ? expr : null;
}

export function casParses(latex: string): boolean {
  return parse(latex) !== null;
}

function numeric(expr: Expr): { re: number; im: number } {
  const value = expr.N();
  const re = Number(value.re);
  const im = Number(value.im ?? 0);
  return { re, im: Number.isFinite(im) ? im : 0 };
}

function close(a: number, b: number, float: boolean): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  if (float) return Math.round(a * 1e6) === Math.round(b * 1e6);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Points at which two expressions must agree (negative ones too: \\sqrt{x^2} is not x). */
const POINTS = [0.5772156649, -1.3247179572, 2.7182818284 / 3, 1.6180339887, -0.3183098862];

export function casEqual(goldLatex: string, predLatex: string, float: boolean): boolean {
  const gold = parse(goldLatex);
  const pred = parse(predLatex);
  if (!gold || !pred) return false;
  if (gold.isSame(pred)) return true;
  // the union of both sides' variables: sin^2 x + cos^2 x equals 1, x^2 does not equal y^2
  const variables = [...new Set([...gold.unknowns, ...pred.unknowns])].sort();
  if (variables.length === 0) {
    const g = numeric(gold);
    const p = numeric(pred);
    if (Number.isNaN(g.re) || Number.isNaN(p.re)) return false;
    return close(g.re, p.re, float) && close(g.im, p.im, float);
  }
  let agreed = 0;
  for (let k = 0; k < 3; k++) {
    const values = Object.fromEntries(
      variables.map((v, i) => [v, ce().number(POINTS[(k + i) % POINTS.length] * (k + 1))]),
    );
    const g = numeric(gold.subs(values));
    const p = numeric(pred.subs(values));
    if (Number.isNaN(g.re) && Number.isNaN(p.re)) continue;
    if (!close(g.re, p.re, false) || !close(g.im, p.im, false)) return false;
    agreed++;
  }
  return agreed > 0;
}
