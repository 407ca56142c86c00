// OKX state from the captured real BTC-USDT-SWAP cross position. Mark price and cash balance are
// derived from the captured figures as MARGIN-FORMULAS.md §4.1 describes (mark = imr·lever/(pos·ctVal);
// cash equity 215.78881232 reproduces liqPx and mgnRatio with MMR 0.4 % and taker 0.05 %). Tier
// rows beyond that MMR, and funding, are protocol-shaped test values.
import Decimal from 'decimal.js';
import { readFixtureJson } from '../../fixtures';
import type { OkxAccountState, OkxServerOptions } from './server';

export function capturedOkxPosition(): Record<string, unknown> {
  return readFixtureJson<{ position: Record<string, unknown> }>('captured/okx_v5_account_positions_BTC-USDT-SWAP_cross.json').position;
}

export function derivedMarkPx(position: Record<string, unknown>, ctVal = '0.01'): string {
  return new Decimal(String(position.imr)).times(String(position.lever)).div(new Decimal(String(position.pos)).times(ctVal)).toFixed();
}

export function capturedOkxAccount(apiKey: string, secret: string, passphrase: string): OkxAccountState {
  return {
    apiKey,
    secret,
    passphrase,
    perm: 'read_only',
    posMode: 'net_mode',
    balance: { totalEq: '216', uTime: '1627227626502', details: [{ ccy: 'USDT', cashBal: '215.78881232', eq: '215.79967315', upl: '0.0108608358957281', isoEq: '0', availEq: '45.1', frozenBal: '170.66' }] },
    positions: [{ ...capturedOkxPosition(), posSide: 'net' }],
  };
}

export function okxMarket(): Omit<OkxServerOptions, 'accounts'> {
  const pos = capturedOkxPosition();
  return {
    instruments: [{ instId: 'BTC-USDT-SWAP', instType: 'SWAP', instFamily: 'BTC-USDT', uly: 'BTC-USDT', ctVal: '0.01', ctType: 'linear', settleCcy: 'USDT', ctValCcy: 'BTC', tickSz: '0.1', lotSz: '1', state: 'live' }],
    tiers: [
      { instFamily: 'BTC-USDT', uly: 'BTC-USDT', instType: 'SWAP', tier: '1', minSz: '0', maxSz: '10000', mmr: '0.004', imr: '0.008', maxLever: '125' },
      { instFamily: 'BTC-USDT', uly: 'BTC-USDT', instType: 'SWAP', tier: '2', minSz: '10001', maxSz: '20000', mmr: '0.005', imr: '0.01', maxLever: '100' },
    ],
    marks: [{ instId: 'BTC-USDT-SWAP', instType: 'SWAP', markPx: derivedMarkPx(pos), ts: '1627227626502' }],
    funding: [{ instId: 'BTC-USDT-SWAP', instType: 'SWAP', fundingRate: '0.0001', fundingTime: '1627228800000', nextFundingTime: '1627257600000' }],
    takerFee: '-0.0005',
  };
}

/** Benchmarks only: `count` cross positions on synthetic swaps. */
export function syntheticOkx(apiKey: string, secret: string, passphrase: string, count: number): { account: OkxAccountState; market: Omit<OkxServerOptions, 'accounts'> } {
  const account = capturedOkxAccount(apiKey, secret, passphrase);
  const market = okxMarket();
  const template = account.positions[0]!;
  account.positions = [];
  market.instruments = [];
  market.tiers = [];
  market.marks = [];
  market.funding = [];
  for (let i = 0; i < count; i++) {
    const family = `SYN${String(i).padStart(2, '0')}-USDT`;
    const instId = `${family}-SWAP`;
    const price = (100 + i * 7.5).toFixed(2);
    account.positions.push({ ...template, instId, pos: String(1 + i), avgPx: price, posSide: 'net' });
    market.instruments.push({ instId, instType: 'SWAP', instFamily: family, ctVal: '0.01', ctType: 'linear', settleCcy: 'USDT', tickSz: '0.01', lotSz: '1' });
    market.tiers.push({ instFamily: family, instType: 'SWAP', tier: '1', minSz: '0', maxSz: '100000', mmr: '0.004', imr: '0.008', maxLever: '125' });
    market.marks.push({ instId, instType: 'SWAP', markPx: price, ts: '1627227626502' });
    market.funding.push({ instId, instType: 'SWAP', fundingRate: '0.0001', fundingTime: '1627228800000' });
  }
  return { account, market };
}
