// Loads fitted parameters (resources/forecast/params.json) and falls back to built-in defaults with
// a warning the service can surface, never a crash.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseWith } from '../domain/contracts';
import { DEFAULT_PARAMS, forecastParamsSchema, type ForecastParams } from '../domain/forecast';

export const DEFAULT_PARAMS_FILE = resolve(process.cwd(), 'resources/forecast/params.json');

export function loadForecastParams(file: string = DEFAULT_PARAMS_FILE): { params: ForecastParams; warning: string | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { params: DEFAULT_PARAMS, warning: `forecast parameters not found at ${file}: using built-in defaults` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { params: DEFAULT_PARAMS, warning: `forecast parameters at ${file} are not JSON (${(e as Error).message}): using built-in defaults` };
  }
  const parsed = parseWith(forecastParamsSchema, json);
  if (!parsed.ok) return { params: DEFAULT_PARAMS, warning: `forecast parameters at ${file} are invalid (${parsed.error.message}): using built-in defaults` };
  return { params: parsed.value as ForecastParams, warning: null };
}
