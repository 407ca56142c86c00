// OKX as the catalog lists it (see src/venues/descriptor.ts).
import { coinOption, urlOption, wsUrlOption, type VenueDescriptor } from '../../descriptor';

export const okxDescriptor: VenueDescriptor<'okx'> = {
  id: 'okx',
  label: 'OKX',
  needsKey: true,
  needsPassphrase: true,
  keyHint: 'OKX needs an API key, secret and passphrase.',
  keyPage: 'https://www.okx.com/account/my-api',
  options: [coinOption('settleCcy', 'Settle currency', 'USDT')],
  advanced: [urlOption('restUrl', 'REST URL', 'https://www.okx.com'), wsUrlOption('WebSocket URL', 'wss://ws.okx.com:8443')],
  rulebook: 'okx',
};
