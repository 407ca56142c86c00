// Builds server state from the real captured payloads in test/fixtures (no invented figures for
// the captured account), plus a generator of large synthetic accounts for benchmarks.
import { readFixtureJson, readFixtureText } from '../../fixtures';
import type { BinanceAccountState, BinanceAssetRow, BinanceBracketRow, BinanceMarket } from './state';
import { READ_ONLY_PERMISSIONS } from './state';

/**
 * /fapi/v1/assetIndex rows for the captured Multi-Assets account's USDC. Constructed, not captured
 * (the real row at that instant was not recorded): index 0.99993876 with a 0.0001 bid buffer values
 * the 22 USDC at 21.99645285 against Binance's 21.99645279 (the captured total minus the USDT wallet).
 */
export function capturedAssetIndex(): Record<string, unknown>[] {
  return [{ symbol: 'USDCUSD', time: 1722161166529, index: '0.99993876', bidBuffer: '0.00010000', askBuffer: '0.00010000', bidRate: '0.99983876', askRate: '1.00003875' }];
}

export function capturedBrackets(symbol: 'BTCUSDT' | 'ETHUSDT'): BinanceBracketRow[] {
  return readFixtureJson<{ brackets: BinanceBracketRow[] }>(`brackets/binance_um_${symbol}_2024-10.json`).brackets;
}

interface CapturedPositionRisk {
  responses: Array<Array<Record<string, string>>>;
}
interface CapturedAccount {
  assets: BinanceAssetRow[];
  positions: Array<Record<string, string>>;
  [key: string]: unknown;
}

/**
 * The real multi-assets BTCUSDT cross account captured by CCXT (positionRisk v3 snapshot `which`
 * and /fapi/v2/account totals). v2 account rows also carry leverage/isolated, which the capture
 * abbreviated; the capture notes infer leverage 80 (initialMargin = notional / 80).
 */
export function capturedBinanceAccount(apiKey: string, secret: string, which: 0 | 1 = 0): { account: BinanceAccountState; market: BinanceMarket } {
  const risk = readFixtureJson<CapturedPositionRisk>('captured/binance_um_positionRisk_v3_BTCUSDT_cross_ccxt.json').responses[which]![0]!;
  const acct = readFixtureJson<CapturedAccount>('captured/binance_um_account_v2_multiassets_ccxt.json');
  const totals: Record<string, string> = {};
  for (const [k, v] of Object.entries(acct)) if (typeof v === 'string') totals[k] = v;
  const account: BinanceAccountState = {
    apiKey,
    secret,
    permissions: { ...READ_ONLY_PERMISSIONS },
    totals,
    assets: acct.assets.map((a) => ({ ...a })),
    positions: [
      {
        symbol: risk.symbol!,
        positionSide: 'BOTH',
        positionAmt: risk.positionAmt!,
        entryPrice: risk.entryPrice!,
        markPrice: risk.markPrice!,
        unRealizedProfit: risk.unRealizedProfit!,
        liquidationPrice: risk.liquidationPrice!,
        isolated: false,
        isolatedWallet: risk.isolatedWallet!,
        notional: risk.notional!,
        initialMargin: risk.initialMargin!,
        maintMargin: risk.maintMargin!,
        leverage: '80',
        updateTime: risk.updateTime!,
      },
    ],
    brackets: { BTCUSDT: capturedBrackets('BTCUSDT') },
  };
  const market: BinanceMarket = {
    symbol: 'BTCUSDT',
    markPrice: risk.markPrice!,
    indexPrice: risk.markPrice!,
    lastFundingRate: '0.00010000',
    nextFundingTime: 1722182400000,
    tickSize: '0.10',
    stepSize: '0.001',
  };
  return { account, market };
}

/** Loads 1-minute candles from a committed market CSV (e.g. MARKET_1M.BTCUSDT) as mark-price kline rows. */
export function klinesFromCsv(relative: string, maxRows: number): Array<[number, string, string, string, string]> {
  const lines = readFixtureText(relative).trim().split('\n').slice(1, maxRows + 1);
  if (lines.length < maxRows) throw new Error(`${relative} holds ${lines.length} candles, the test asked for ${maxRows}`);
  return lines.map((line) => {
    const [t, o, h, l, c] = line.split(',');
    return [Number(t), o!, h!, l!, c!];
  });
}

/**
 * A synthetic account with `count` open positions (benchmarks only): symbols SYN00USDT…, each with
 * the BTCUSDT bracket table, sizes and prices varied deterministically.
 */
export function syntheticBinanceAccount(apiKey: string, secret: string, count: number): { account: BinanceAccountState; markets: BinanceMarket[] } {
  const brackets = capturedBrackets('BTCUSDT');
  const markets: BinanceMarket[] = [];
  const account: BinanceAccountState = {
    apiKey,
    secret,
    permissions: { ...READ_ONLY_PERMISSIONS },
    totals: { totalWalletBalance: '100000', totalCrossWalletBalance: '100000', totalMaintMargin: '0', totalMarginBalance: '100000' },
    assets: [
      {
        asset: 'USDT',
        walletBalance: '100000',
        unrealizedProfit: '0',
        marginBalance: '100000',
        maintMargin: '0',
        initialMargin: '0',
        positionInitialMargin: '0',
        openOrderInitialMargin: '0',
        crossWalletBalance: '100000',
        crossUnPnl: '0',
        availableBalance: '100000',
        maxWithdrawAmount: '100000',
        updateTime: '1722161166529',
      },
    ],
    positions: [],
    brackets: {},
  };
  for (let i = 0; i < count; i++) {
    const symbol = `SYN${String(i).padStart(2, '0')}USDT`;
    const price = (100 + i * 7.5).toFixed(2);
    markets.push({ symbol, markPrice: price, indexPrice: price, lastFundingRate: '0.00010000', nextFundingTime: 1722182400000, tickSize: '0.01', stepSize: '0.001' });
    account.brackets[symbol] = brackets;
    account.positions.push({
      symbol,
      positionSide: 'BOTH',
      positionAmt: i % 2 ? `-${1 + i}` : `${1 + i}`,
      entryPrice: (100 + i * 7.4).toFixed(2),
      markPrice: price,
      unRealizedProfit: '0',
      liquidationPrice: '0',
      isolated: false,
      isolatedWallet: '0',
      notional: '0',
      initialMargin: '0',
      maintMargin: '0',
      leverage: '10',
      updateTime: '1722161166529',
    });
  }
  return { account, markets };
}

interface CapturedCoinm {
  response: Array<Record<string, string>>;
}

/**
 * The real COIN-M BTCUSD_PERP cross short captured by CCXT (positionRisk), with the BTCUSD bracket
 * floors/MMRs of test/fixtures/brackets (cum derived there). Not captured, so test values: the
 * BTC wallet (1.5 BTC) and the brackets' max leverage column.
 */
export function capturedCoinmAccount(apiKey: string, secret: string): { account: BinanceAccountState; market: BinanceMarket } {
  const risk = readFixtureJson<CapturedCoinm>('captured/binance_cm_positionRisk_BTCUSD_PERP_cross_ccxt.json').response[0]!;
  const table = readFixtureJson<{ brackets: Array<Record<string, string>> }>('brackets/binance_cm_BTCUSD_ccxt_static_with_derived_cum.json').brackets;
  const leverages = ['125', '100', '50', '20', '10', '5', '4', '3', '2', '1'];
  const wallet = '1.5';
  const account: BinanceAccountState = {
    apiKey,
    secret,
    permissions: { ...READ_ONLY_PERMISSIONS },
    totals: {},
    assets: [
      {
        asset: 'BTC',
        walletBalance: wallet,
        unrealizedProfit: risk.unRealizedProfit!,
        marginBalance: wallet,
        maintMargin: '0',
        initialMargin: '0',
        positionInitialMargin: '0',
        openOrderInitialMargin: '0',
        crossWalletBalance: wallet,
        crossUnPnl: risk.unRealizedProfit!,
        availableBalance: wallet,
        maxWithdrawAmount: wallet,
        updateTime: risk.updateTime!,
      },
    ],
    positions: [
      {
        symbol: risk.symbol!,
        positionSide: 'BOTH',
        positionAmt: risk.positionAmt!,
        entryPrice: risk.entryPrice!,
        markPrice: risk.markPrice!,
        unRealizedProfit: risk.unRealizedProfit!,
        liquidationPrice: risk.liquidationPrice!,
        isolated: risk.marginType === 'isolated',
        isolatedWallet: risk.isolatedWallet!,
        notional: risk.notionalValue!,
        initialMargin: '0',
        maintMargin: '0',
        leverage: risk.leverage!,
        updateTime: risk.updateTime!,
      },
    ],
    brackets: {
      [risk.symbol!]: table.map((b, i) => ({
        bracket: b.bracket!,
        initialLeverage: leverages[i] ?? '1',
        notionalFloor: b.qtyFloor!,
        // The fixture table leaves the last cap open; Binance writes Long.MAX for an unbounded cap.
        notionalCap: b.qtyCap ?? '9223372036854775807',
        maintMarginRatio: b.maintMarginRatio!,
        cum: b.cum_derived!,
      })),
    },
  };
  const market: BinanceMarket = {
    symbol: risk.symbol!,
    markPrice: risk.markPrice!,
    indexPrice: risk.markPrice!,
    lastFundingRate: '0.00010000',
    nextFundingTime: 1722124800000,
    tickSize: '0.1',
    stepSize: '1',
    contractSize: '100',
    marginAsset: 'BTC',
  };
  return { account, market };
}
