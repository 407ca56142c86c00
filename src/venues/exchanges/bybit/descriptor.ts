// Bybit as the catalog lists it (see src/venues/descriptor.ts).
import { coinOption, urlOption, wsUrlOption, type VenueDescriptor } from '../../descriptor';

export const bybitDescriptor: VenueDescriptor<'bybit'> = {
  id: 'bybit',
  label: 'Bybit (unified account)',
  needsKey: true,
  needsPassphrase: false,
  keyHint: 'Bybit needs an API key and secret.',
  keyPage: 'https://www.bybit.com/app/user/api-management',
  options: [{ key: 'category', label: 'Contracts', choices: ['linear', 'inverse'] }, coinOption('settleCoin', 'Settle coin', 'USDT')],
  advanced: [urlOption('restUrl', 'REST URL', 'https://api.bybit.com'), wsUrlOption('WebSocket URL', 'wss://stream.bybit.com')],
  rulebook: 'bybit',
};
