// What the local Binance server knows: markets (mark price, funding, filters) and accounts (key,
// secret, permissions, balances, position rows, the account's own leverage brackets). All numbers
// are the decimal strings Binance sends.

export interface BinanceMarket {
  symbol: string;
  markPrice: string;
  indexPrice: string;
  lastFundingRate: string;
  nextFundingTime: number;
  tickSize: string;
  stepSize: string;
  /** COIN-M: USD per contract and the margin coin. */
  contractSize?: string;
  marginAsset?: string;
}

export interface BinanceBracketRow {
  bracket: string;
  initialLeverage: string;
  notionalCap: string;
  notionalFloor: string;
  maintMarginRatio: string;
  cum: string;
}

export interface BinancePositionRow {
  symbol: string;
  positionSide: 'BOTH' | 'LONG' | 'SHORT';
  positionAmt: string;
  entryPrice: string;
  markPrice: string;
  unRealizedProfit: string;
  liquidationPrice: string;
  isolated: boolean;
  isolatedWallet: string;
  notional: string;
  initialMargin: string;
  maintMargin: string;
  leverage: string;
  updateTime: string;
}

export interface BinanceAssetRow {
  asset: string;
  walletBalance: string;
  unrealizedProfit: string;
  marginBalance: string;
  maintMargin: string;
  initialMargin: string;
  positionInitialMargin: string;
  openOrderInitialMargin: string;
  crossWalletBalance: string;
  crossUnPnl: string;
  availableBalance: string;
  maxWithdrawAmount: string;
  updateTime: string;
}

export interface BinanceAccountState {
  apiKey: string;
  secret: string;
  permissions: {
    ipRestrict: boolean;
    enableReading: boolean;
    enableFutures: boolean;
    enableSpotAndMarginTrading: boolean;
    enableWithdrawals: boolean;
    enableInternalTransfer: boolean;
    enableMargin: boolean;
    enableVanillaOptions: boolean;
    permitsUniversalTransfer: boolean;
    enablePortfolioMarginTrading: boolean;
    enableFixApiTrade: boolean;
    enableFixReadOnly: boolean;
  };
  totals: Record<string, string>;
  assets: BinanceAssetRow[];
  positions: BinancePositionRow[];
  brackets: Record<string, BinanceBracketRow[]>;
}

/** ACCOUNT_UPDATE "a" payload: balances B and positions P, field names as Binance sends them. */
export interface RawAccountUpdate {
  B: Array<{ a: string; wb: string; cw: string; bc: string }>;
  P: Array<{ s: string; pa: string; ep: string; cr: string; up: string; mt: 'cross' | 'isolated'; iw: string; ps: 'BOTH' | 'LONG' | 'SHORT' }>;
}

export const READ_ONLY_PERMISSIONS: BinanceAccountState['permissions'] = {
  ipRestrict: true,
  enableReading: true,
  enableFutures: false, // Binance: futures *trading*; reading needs only enableReading
  enableSpotAndMarginTrading: false,
  enableWithdrawals: false,
  enableInternalTransfer: false,
  enableMargin: false,
  enableVanillaOptions: false,
  permitsUniversalTransfer: false,
  enablePortfolioMarginTrading: false,
  enableFixApiTrade: false,
  enableFixReadOnly: false,
};
