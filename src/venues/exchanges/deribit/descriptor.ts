// Deribit as the catalog lists it (see src/venues/descriptor.ts).
import { urlOption, wsUrlOption, type VenueDescriptor } from '../../descriptor';

export const deribitDescriptor: VenueDescriptor<'deribit'> = {
  id: 'deribit',
  label: 'Deribit futures',
  needsKey: true,
  needsPassphrase: false,
  keyHint: 'Deribit needs a client id and client secret.',
  keyPage: 'https://www.deribit.com/account/BTC/api',
  options: [{ key: 'currency', label: 'Currency', choices: ['BTC', 'ETH', 'USDC', 'USDT'] }],
  advanced: [urlOption('restUrl', 'REST URL', 'https://www.deribit.com'), wsUrlOption('WebSocket URL', 'wss://www.deribit.com/ws/api/v2')],
  rulebook: 'deribit',
};
