export { gradients, GRAD_RULES, type GradientOptions } from './gradients';
export { type GradRule, unbroadcast } from './rule';
