// Hyperliquid: read by wallet address (no key); an address grants no rights to trade or withdraw.
import type { VenueAdapter } from '../adapter';
import type { KeyCheck } from '../shared/keyVerdict';
import { SessionEngine } from '../shared/sessionEngine';
import { hyperliquidDescriptor } from './descriptor';
import { HyperliquidReader, hyperliquidWallet } from './reader';

const READS: KeyCheck = { ok: true, permissions: { read: true, trade: false, withdraw: false }, verdict: 'ok', message: 'Wallet address reads; no key is stored for Hyperliquid.' };

export const hyperliquidAdapter: VenueAdapter = {
  descriptor: hyperliquidDescriptor,
  createSession: (config, _secret, deps) => new SessionEngine(config.id, new HyperliquidReader({ ...deps, options: config.options, secret: null }), deps),
  checkKey: async (config, _secret, deps) => {
    try {
      hyperliquidWallet(config.options);
    } catch (error) {
      return { ok: false, permissions: { read: false, trade: false, withdraw: false }, verdict: 'invalid', message: (error as Error).message };
    }
    const reader = new HyperliquidReader({ ...deps, options: config.options, secret: null });
    try {
      await reader.fetchSnapshot(); // proves the address reads
      return READS;
    } finally {
      reader.release();
    }
  },
};
