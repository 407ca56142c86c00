import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../src/domain/forecast';
import { loadForecastParams } from '../../../src/forecast';

const dir = mkdtempSync(join(tmpdir(), 'mw-params-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('forecast parameters on disk', () => {
  it('loads the shipped resources/forecast/params.json with fitted BTC/ETH parameters and calibration maps', () => {
    const { params, warning } = loadForecastParams(resolve(process.cwd(), 'resources/forecast/params.json'));
    expect(warning).toBeNull();
    expect(Object.keys(params.symbols)).toEqual(expect.arrayContaining(['BTC', 'ETH']));
    expect(Object.keys(params.calibration).sort()).toEqual(['1440', '15', '240', '60']);
  });

  it('falls back to defaults with a reason for a missing, non-JSON or invalid file', () => {
    const missing = loadForecastParams(join(dir, 'nope.json'));
    expect(missing.params).toBe(DEFAULT_PARAMS);
    expect(missing.warning).toMatch(/not found/);
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(loadForecastParams(join(dir, 'bad.json')).warning).toMatch(/not JSON/);
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ ...DEFAULT_PARAMS, fastHalfLifeMin: -1 }));
    expect(loadForecastParams(join(dir, 'invalid.json')).warning).toMatch(/fastHalfLifeMin/);
  });
});
