// Engine options with their defaults, checked once (a bad option is a programming error, not user data).
import type { EngineOptions } from '../contracts';
import { ContractError } from '../contracts';
import { Dec } from './decimal';

export const DEFAULT_TARGET_MARGIN_RATIO = '0.5';
export const DEFAULT_TRIGGER_LEVELS: readonly string[] = ['0.7', '0.8', '1'];

export interface ResolvedOptions {
  target: Dec;
  /** `isLiquidation`: the level equals 1, so its price is the liquidation price (solved once). */
  levels: { text: string; value: Dec; isLiquidation: boolean }[];
}

function positive(text: string, path: string): Dec {
  let value: Dec;
  try {
    value = new Dec(text);
  } catch {
    throw new ContractError(path, 'must be a decimal string');
  }
  if (!value.isFinite() || !value.isPositive() || value.isZero())
    throw new ContractError(path, 'must be greater than zero');
  return value;
}

export function resolveOptions(options: EngineOptions | undefined): ResolvedOptions {
  const target = positive(
    options?.targetMarginRatio ?? DEFAULT_TARGET_MARGIN_RATIO,
    'options.targetMarginRatio',
  );
  const levels = (options?.triggerLevels ?? DEFAULT_TRIGGER_LEVELS).map((text, i) => {
    const value = positive(text, `options.triggerLevels[${i}]`);
    return { text, value, isLiquidation: value.eq(1) };
  });
  return { target, levels };
}
