// Public surface of the pure forecast model.
export * from './types';
export * from './normal';
export * from './firstPassage';
export * from './tail';
export * from './volatility';
export * from './calibration';
export * from './params';
export * from './barrier';
export * from './account';
export * from './rng';
export * from './monteCarlo';
export * from './monteCarloJob';
export * from './display';
export * from './leader';
