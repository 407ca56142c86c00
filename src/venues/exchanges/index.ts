// Entry point the service uses: one VenueSession per account, and key validation when adding one.
import type { AccountConfig, VenueSession } from '../types';
import { binanceHosts, BinanceClient } from './binance/client';
import { checkBinanceKey, type KeyCheck } from './binance/permissions';
import { BINANCE_WEIGHT_LIMIT, BinanceUsdmSession } from './binance/usdmSession';
import { COINM, USDM, type BinanceProduct } from './binance/product';
import { HyperliquidReader, hyperliquidWallet } from './hyperliquid/reader';
import { BybitReader } from './bybit/reader';
import { OkxReader } from './okx/reader';
import { DeribitReader } from './deribit/reader';
import { invalidKey, keyVerdict } from './shared/keyVerdict';
import { PollingSession } from './shared/pollingSession';
import { DEFAULT_TUNING, SILENT_LOGGER, type SessionTuning, type VenueLogger } from './shared/sessionOptions';
import type { VenueSecret } from './secret';

export type { VenueSecret } from './secret';
export { venueSecretSchema } from './secret';
export type { KeyCheck } from './binance/permissions';
export type { SessionTuning, VenueLogger } from './shared/sessionOptions';
export { VenueFailure } from './shared/errors';

export interface VenueSessionOptions {
  now?: () => number;
  random?: () => number;
  logger?: VenueLogger;
  /** Timing overrides (tests, benchmarks); defaults follow the venues' documented limits. */
  tuning?: Partial<SessionTuning>;
}

/** Venues with a working adapter in this build. */
export const SUPPORTED_VENUES: ReadonlyArray<AccountConfig['source']> = ['binance-usdm', 'binance-coinm', 'hyperliquid', 'bybit', 'okx', 'deribit'];

export class UnsupportedVenueError extends Error {
  constructor(venue: string) {
    super(`venue "${venue}" has no exchange adapter in this build (supported: ${SUPPORTED_VENUES.join(', ')})`);
    this.name = 'UnsupportedVenueError';
  }
}

export function createVenueSession(config: AccountConfig, secret: VenueSecret | null, options: VenueSessionOptions = {}): VenueSession {
  const deps = {
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    logger: options.logger ?? SILENT_LOGGER,
    tuning: { ...DEFAULT_TUNING, ...options.tuning },
  };
  switch (config.source) {
    case 'binance-usdm':
      return new BinanceUsdmSession(config.id, binanceHosts(config.options, USDM), secret, deps, USDM);
    case 'binance-coinm':
      // One account view per margin coin (option settleAsset, default BTC).
      return new BinanceUsdmSession(config.id, binanceHosts(config.options, COINM), secret, deps, COINM, config.options.settleAsset ?? 'BTC');
    case 'bybit':
      return new PollingSession(config.id, new BybitReader(config.options, secret, deps.now, deps.tuning, deps.random), deps);
    case 'okx':
      return new PollingSession(config.id, new OkxReader(config.options, secret, deps.now, deps.tuning, deps.random), deps);
    case 'deribit':
      return new PollingSession(config.id, new DeribitReader(config.options, secret, deps.now, deps.tuning, deps.random), deps);
    case 'hyperliquid':
      return new PollingSession(config.id, new HyperliquidReader(config.options, deps.now, deps.tuning, deps.random), deps);
    default:
      throw new UnsupportedVenueError(config.source);
  }
}

export async function validateCredentials(config: AccountConfig, secret: VenueSecret | null, options: VenueSessionOptions = {}): Promise<KeyCheck> {
  switch (config.source) {
    case 'binance-usdm':
    case 'binance-coinm':
      return validateBinance(config.source === 'binance-usdm' ? USDM : COINM, config, secret, options);
    case 'bybit': {
      if (!secret) return invalidKey('Bybit needs an API key and secret.');
      const reader = new BybitReader(config.options, secret, options.now ?? Date.now, { ...DEFAULT_TUNING, ...options.tuning });
      try {
        await reader.fetchSnapshot(); // proves the key reads the account
        const info = await reader.permissions();
        const perms = (info.permissions ?? {}) as Record<string, unknown>;
        const list = (name: string): string[] => (Array.isArray(perms[name]) ? (perms[name] as string[]) : []);
        const withdraw = list('Wallet').includes('Withdraw');
        const trade = String(info.readOnly) !== '1' && ['ContractTrade', 'Spot', 'Options', 'Derivatives', 'Exchange', 'CopyTrading', 'BlockTrade'].some((n) => list(n).length > 0);
        return keyVerdict('Bybit', trade, withdraw);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'invalid-key' || code === 'permission-denied') return invalidKey((error as Error).message);
        throw error;
      } finally {
        reader.release();
      }
    }
    case 'okx': {
      if (!secret?.passphrase) return invalidKey('OKX needs an API key, secret and passphrase.');
      const reader = new OkxReader(config.options, secret, options.now ?? Date.now, { ...DEFAULT_TUNING, ...options.tuning });
      try {
        await reader.fetchSnapshot();
        const perm = await reader.permissions();
        return keyVerdict('OKX', perm.length === 0 ? null : perm.includes('trade'), perm.length === 0 ? null : perm.includes('withdraw'));
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'invalid-key' || code === 'permission-denied') return invalidKey((error as Error).message);
        throw error;
      } finally {
        reader.release();
      }
    }
    case 'deribit': {
      if (!secret) return invalidKey('Deribit needs a client id and client secret.');
      const reader = new DeribitReader(config.options, secret, options.now ?? Date.now, { ...DEFAULT_TUNING, ...options.tuning });
      try {
        await reader.fetchSnapshot();
        const scopes = await reader.scopes();
        // Deribit scopes: trade:read_write allows orders; wallet:read_write allows withdrawals.
        return keyVerdict('Deribit', scopes.length ? scopes.includes('trade:read_write') : null, scopes.length ? scopes.includes('wallet:read_write') : null);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'invalid-key' || code === 'permission-denied') return invalidKey((error as Error).message);
        throw error;
      } finally {
        reader.release();
      }
    }
    case 'hyperliquid': {
      // An address grants no rights: nothing to trade or withdraw with. Prove the address reads.
      try {
        hyperliquidWallet(config.options);
      } catch (error) {
        return { ok: false, permissions: { read: false, trade: false, withdraw: false }, verdict: 'invalid', message: (error as Error).message };
      }
      const reader = new HyperliquidReader(config.options, options.now ?? Date.now, { ...DEFAULT_TUNING, ...options.tuning });
      try {
        await reader.fetchSnapshot();
        return { ok: true, permissions: { read: true, trade: false, withdraw: false }, verdict: 'ok', message: 'Wallet address reads; no key is stored for Hyperliquid.' };
      } finally {
        reader.release();
      }
    }
    default:
      throw new UnsupportedVenueError(config.source);
  }
}

async function validateBinance(product: BinanceProduct, config: AccountConfig, secret: VenueSecret | null, options: VenueSessionOptions): Promise<KeyCheck> {
  if (!secret) return invalidKey('Binance needs an API key and secret.');
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const client = new BinanceClient({
    product,
    hosts: binanceHosts(config.options, product),
    secret,
    now: options.now ?? Date.now,
    weightLimit: tuning.weightLimit ?? BINANCE_WEIGHT_LIMIT,
    windowMs: tuning.rateWindowMs ?? 60_000,
    timeoutMs: tuning.requestTimeoutMs,
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
