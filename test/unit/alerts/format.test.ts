import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Decimal from 'decimal.js';
import { dangerBody, liquidatedBody, predictiveBody, priceText } from '../../../src/domain/alerts/format';

describe('prices in notification text', () => {
  it('shows about six significant digits, two to eight decimals', () => {
    expect(priceText('39676.85461847')).toBe('39676.85');
    expect(priceText('2405.75370121')).toBe('2405.75');
    expect(priceText('123456789.5')).toBe('123456789.50');
    expect(priceText('0.3528174')).toBe('0.352817');
    expect(priceText('0.000012345678')).toBe('0.00001235');
    expect(priceText('not a number')).toBe('not a number');
  });

  it('stays within half a display unit of the exact price', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (x) => {
        const exact = new Decimal(x.toFixed(10));
        const shown = new Decimal(priceText(exact.toString()));
        const decimals = shown.decimalPlaces();
        expect(shown.minus(exact).abs().lte(new Decimal(10).pow(-decimals).div(2))).toBe(true);
      }),
    );
  });

  it('is used by the danger and liquidation bodies', () => {
    expect(dangerBody({ triggerPrice: '39676.85461847', distanceToLiquidation: '0.0003' } as never, '')).toContain('Liquidation at 39676.85, 0.03% away');
    expect(liquidatedBody('liquidation', 'BTCUSDT long (isolated)', '36912.6506024')).toContain('at about 36912.65.');
  });
});

describe('forecast probabilities in notification text', () => {
  it('says "low" under 1 %, never a figure there, and whole percent above 10 %', () => {
    expect(dangerBody({ probability1h: 0.004 } as never, '')).toContain('Low chance within 1 h');
    expect(dangerBody({ probability1h: 0.004 } as never, '')).not.toMatch(/\d%/);
    expect(dangerBody({ probability1h: 0.0345 } as never, '')).toContain('3.5% chance within 1 h');
    expect(dangerBody({ probability1h: 0.876 } as never, '')).toContain('88% chance within 1 h');
    const predictive = predictiveBody({ probability1h: 0.2, probability15m: 0.003 } as never, 0.8);
    expect(predictive).toContain('Forecast: 20% chance of reaching a 80% margin ratio within 1 h');
    expect(predictive).toContain('low chance within 15 min');
  });
});
