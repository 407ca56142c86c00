// Public surface of the danger model: the shipped policy, the level rule, the per-subject verdict
// and the advice that restores a subject to safety.
export * from './policy';
export * from './level';
export * from './assess';
export * from './advice';
export * from './reduce';
export * from './liquidate';
