// Binance USD-M and COIN-M: one reader for both products (reader.ts, streams.ts) on the shared session
// engine; key rights from /sapi/v1/account/apiRestrictions (permissions.ts).
import type { VenueAdapter } from '../adapter';
import { invalidKey, type KeyCheck } from '../shared/keyVerdict';
import type { SessionDeps } from '../shared/sessionOptions';
import type { AccountConfig } from '../../types';
import type { VenueSecret } from '../secret';
import { binanceHosts, BinanceClient } from './client';
import { binanceCoinmDescriptor, binanceUsdmDescriptor } from './descriptor';
import { checkBinanceKey } from './permissions';
import { COINM, USDM, type BinanceProduct } from './product';
import { BINANCE_WEIGHT_LIMIT, BinanceReader } from './reader';
import { SessionEngine } from '../shared/sessionEngine';

async function checkKey(product: BinanceProduct, config: AccountConfig, secret: VenueSecret | null, deps: SessionDeps): Promise<KeyCheck> {
  if (!secret) return invalidKey(binanceUsdmDescriptor.keyHint);
  const client = new BinanceClient({
    product,
    hosts: binanceHosts(config.options, product),
    secret,
    now: deps.now,
    weightLimit: deps.tuning.weightLimit ?? BINANCE_WEIGHT_LIMIT,
    windowMs: deps.tuning.rateWindowMs ?? 60_000,
    timeoutMs: deps.tuning.requestTimeoutMs,
  });
  const probe = async (): Promise<unknown> => {
    try {
      return await client.call(...product.account);
    } catch (error) {
      if ((error as { code?: string }).code !== 'clock-skew') throw error;
      await client.resyncClock();
      return client.call(...product.account);
    }
  };
  try {
    return await checkBinanceKey(client, probe);
  } finally {
    client.release();
  }
}

export const binanceUsdmAdapter: VenueAdapter = {
  descriptor: binanceUsdmDescriptor,
  createSession: (config, secret, deps) => new SessionEngine(config.id, new BinanceReader(config.id, binanceHosts(config.options, USDM), secret, deps, USDM), deps),
  checkKey: (config, secret, deps) => checkKey(USDM, config, secret, deps),
};

export const binanceCoinmAdapter: VenueAdapter = {
  descriptor: binanceCoinmDescriptor,
  // One account view per margin coin (option settleAsset, default BTC).
  createSession: (config, secret, deps) =>
    new SessionEngine(config.id, new BinanceReader(config.id, binanceHosts(config.options, COINM), secret, deps, COINM, config.options.settleAsset ?? 'BTC'), deps),
  checkKey: (config, secret, deps) => checkKey(COINM, config, secret, deps),
};
