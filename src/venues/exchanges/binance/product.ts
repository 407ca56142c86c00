// The two Binance futures products share protocol, signing, streams and error codes; they differ in
// hosts, endpoint names/weights and how a snapshot is read. One session serves both.
import type { AccountSnapshot } from '../../../domain/contracts';
import { buildCoinmSnapshot } from './coinmSnapshot';
import { buildUsdmSnapshot, type BinanceUsdmRaw } from './usdmSnapshot';

type Call = readonly [method: string, weight: number];

export interface BinanceProduct {
  venue: 'binance-usdm' | 'binance-coinm';
  ccxtClass: 'binanceusdm' | 'binancecoinm';
  /** CCXT url keys served by the product's REST host. */
  urlPrefix: 'fapi' | 'dapi';
  defaultRest: string;
  defaultWs: string;
  account: Call;
  positionRisk: Call;
  brackets: Call;
  premium: Call;
  exchangeInfo: Call;
  klines: string;
  time: string;
  listenKey: { post: string; put: string; delete: string };
  /** Weight of one full sync (account + positions + brackets + premium). */
  syncWeight: number;
  /** Balance updates: USDⓈ-M adjusts the (Multi-Assets) USD total; COIN-M reads the coin's own row. */
  adjustsTotal: boolean;
  build(raw: BinanceUsdmRaw): AccountSnapshot;
}

export const USDM: BinanceProduct = {
  venue: 'binance-usdm',
  ccxtClass: 'binanceusdm',
  urlPrefix: 'fapi',
  defaultRest: 'https://fapi.binance.com',
  defaultWs: 'wss://fstream.binance.com',
  account: ['fapiPrivateV2GetAccount', 5],
  positionRisk: ['fapiPrivateV3GetPositionRisk', 5],
  brackets: ['fapiPrivateGetLeverageBracket', 1],
  premium: ['fapiPublicGetPremiumIndex', 10],
  exchangeInfo: ['fapiPublicGetExchangeInfo', 1],
  klines: 'fapiPublicGetMarkPriceKlines',
  time: 'fapiPublicGetTime',
  listenKey: { post: 'fapiPrivatePostListenKey', put: 'fapiPrivatePutListenKey', delete: 'fapiPrivateDeleteListenKey' },
  syncWeight: 21,
  adjustsTotal: true,
  build: buildUsdmSnapshot,
};

/** COIN-M weights (docs): account 5, positionRisk 1, leverageBracket 1, premiumIndex 10 without symbol. */
export const COINM: BinanceProduct = {
  venue: 'binance-coinm',
  ccxtClass: 'binancecoinm',
  urlPrefix: 'dapi',
  defaultRest: 'https://dapi.binance.com',
  defaultWs: 'wss://dstream.binance.com',
  account: ['dapiPrivateGetAccount', 5],
  positionRisk: ['dapiPrivateGetPositionRisk', 1],
  brackets: ['dapiPrivateV2GetLeverageBracket', 1],
  premium: ['dapiPublicGetPremiumIndex', 10],
  exchangeInfo: ['dapiPublicGetExchangeInfo', 1],
  klines: 'dapiPublicGetMarkPriceKlines',
  time: 'dapiPublicGetTime',
  listenKey: { post: 'dapiPrivatePostListenKey', put: 'dapiPrivatePutListenKey', delete: 'dapiPrivateDeleteListenKey' },
  syncWeight: 17,
  adjustsTotal: false,
  build: buildCoinmSnapshot,
};
