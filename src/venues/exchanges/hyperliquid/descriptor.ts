// Hyperliquid as the catalog lists it (see src/venues/descriptor.ts): read by wallet address, no key.
import { urlOption, wsUrlOption, type VenueDescriptor } from '../../descriptor';

export const hyperliquidDescriptor: VenueDescriptor<'hyperliquid'> = {
  id: 'hyperliquid',
  label: 'Hyperliquid (wallet address, no key)',
  needsKey: false,
  needsPassphrase: false,
  keyHint: 'Hyperliquid reads by wallet address; no key is stored.',
  options: [
    { key: 'wallet', label: 'Wallet address', placeholder: '0x…', required: true, pattern: /^0x[0-9a-fA-F]{40}$/, patternHint: '0x followed by 40 hex digits' },
  ],
  advanced: [urlOption('restUrl', 'REST URL', 'https://api.hyperliquid.xyz'), wsUrlOption('WebSocket URL', 'wss://api.hyperliquid.xyz/ws')],
  rulebook: 'hyperliquid',
};
