// The UI's pure helpers for the account form (fields → accounts.add parameters, schema-checked) and
// the price chart (service candles → chart candles, live marks folded in).
import { describe, expect, it } from 'vitest';
import { commandSchemas } from '../../src/api/messages';
import { chartCandles, foldMark, type ChartCandle } from '../../src/ui/lib/candles';
import { buildAddParams, VENUE_FORMS, type AddAccountInput } from '../../src/ui/lib/venues';

function input(overrides: Partial<AddAccountInput> = {}): AddAccountInput {
  return {
    name: ' Main ',
    source: 'binance-usdm',
    options: {},
    apiKey: 'k',
    secret: 's',
    passphrase: '',
    allowWithdraw: false,
    ...overrides,
  };
}

describe('buildAddParams', () => {
  it('offers a stream URL override for every venue, accepting "off" and refusing an http URL', () => {
    for (const venue of VENUE_FORMS) {
      expect([...venue.options, ...venue.advanced].some((f) => f.key === 'wsUrl'), venue.id).toBe(true);
    }
    const off = buildAddParams(input({ source: 'okx', passphrase: 'p', options: { restUrl: 'http://127.0.0.1:9', wsUrl: 'off' } }));
    expect(off.ok && off.params.options).toEqual({ restUrl: 'http://127.0.0.1:9', wsUrl: 'off' });
    const wrong = buildAddParams(input({ source: 'deribit', options: { wsUrl: 'http://127.0.0.1:9' } }));
    expect(wrong).toMatchObject({ ok: false, field: 'wsUrl' });
  });

  it('builds parameters the service schema accepts, keeping only filled options', () => {
    const built = buildAddParams(
      input({ options: { restUrl: 'http://127.0.0.1:1234', spotUrl: '  ', wsUrl: 'ws://127.0.0.1:1234' } }),
    );
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.params).toEqual({
      name: 'Main',
      source: 'binance-usdm',
      options: { restUrl: 'http://127.0.0.1:1234', wsUrl: 'ws://127.0.0.1:1234' },
      secret: { apiKey: 'k', secret: 's' },
      allowWithdraw: false,
    });
    expect(commandSchemas['accounts.add'].safeParse(built.params).success).toBe(true);
  });

  it('names the field of the first problem', () => {
    expect(buildAddParams(input({ name: '  ' }))).toMatchObject({ ok: false, field: 'name' });
    expect(buildAddParams(input({ apiKey: '' }))).toMatchObject({ ok: false, field: 'apiKey' });
    expect(buildAddParams(input({ secret: ' ' }))).toMatchObject({ ok: false, field: 'secret' });
    expect(buildAddParams(input({ options: { restUrl: 'fapi.binance.com' } }))).toMatchObject({
      ok: false,
      field: 'restUrl',
    });
    expect(buildAddParams(input({ source: 'okx' }))).toMatchObject({ ok: false, field: 'passphrase' });
    expect(buildAddParams(input({ source: 'bybit', options: { category: 'spot' } }))).toMatchObject({
      ok: false,
      field: 'category',
    });
  });

  it('sends no secret for Hyperliquid and requires a well-formed wallet', () => {
    expect(buildAddParams(input({ source: 'hyperliquid' }))).toMatchObject({ ok: false, field: 'wallet' });
    expect(buildAddParams(input({ source: 'hyperliquid', options: { wallet: '0x12' } }))).toMatchObject({
      ok: false,
      field: 'wallet',
    });
    const wallet = '0x' + 'ab'.repeat(20);
    const built = buildAddParams(input({ source: 'hyperliquid', options: { wallet } }));
    expect(built.ok && built.params.secret).toBe(undefined);
    expect(built.ok && built.params.options).toEqual({ wallet });
  });

  it('sends the OKX passphrase and the withdraw override only when given', () => {
    const built = buildAddParams(input({ source: 'okx', passphrase: 'p', allowWithdraw: true }));
    expect(built.ok && built.params.secret).toEqual({ apiKey: 'k', secret: 's', passphrase: 'p' });
    expect(built.ok && built.params.allowWithdraw).toBe(true);
  });

  it('offers every venue the service accepts', () => {
    const accepted = commandSchemas['accounts.add'].shape.source.options;
    expect(VENUE_FORMS.map((v) => v.id).sort()).toEqual([...accepted].sort());
  });
});

describe('chartCandles', () => {
  it('converts decimal strings to seconds and numbers, sorted, dropping unreadable rows', () => {
    const out = chartCandles([
      { at: '2024-05-01T12:01:00Z', open: '2', high: '3', low: '1.5', close: '2.5' },
      { at: '2024-05-01T12:00:00Z', open: '1', high: '2', low: '0.5', close: '1.5' },
      { at: 'not a time', open: '1', high: '1', low: '1', close: '1' },
      { at: '2024-05-01T12:02:00Z', open: 'NaN', high: '1', low: '1', close: '1' },
    ]);
    const t0 = Date.parse('2024-05-01T12:00:00Z') / 1000;
    expect(out).toEqual([
      { time: t0, open: 1, high: 2, low: 0.5, close: 1.5 },
      { time: t0 + 60, open: 2, high: 3, low: 1.5, close: 2.5 },
    ]);
  });
});

describe('foldMark', () => {
  const t0 = Date.parse('2024-05-01T12:00:00Z');
  function base(): ChartCandle[] {
    return [{ time: t0 / 1000, open: 10, high: 11, low: 9, close: 10.5 }];
  }

  it('grows the current minute and opens the next one', () => {
    const candles = base();
    foldMark(candles, t0 + 30_000, 12);
    foldMark(candles, t0 + 40_000, 8);
    expect(candles).toEqual([{ time: t0 / 1000, open: 10, high: 12, low: 8, close: 8 }]);
    foldMark(candles, t0 + 61_000, 8.5);
    expect(candles[1]).toEqual({ time: t0 / 1000 + 60, open: 8.5, high: 8.5, low: 8.5, close: 8.5 });
  });

  it('ignores marks older than the last candle and non-finite input', () => {
    const candles = base();
    expect(foldMark(candles, t0 - 1, 1)).toBeNull();
    expect(foldMark(candles, t0 + 1, Number.NaN)).toBeNull();
    expect(foldMark(candles, Number.NaN, 1)).toBeNull();
    expect(candles).toEqual(base());
  });

  it('starts a chart from nothing', () => {
    const candles: ChartCandle[] = [];
    foldMark(candles, t0 + 5_000, 3);
    expect(candles).toEqual([{ time: t0 / 1000, open: 3, high: 3, low: 3, close: 3 }]);
  });
});
