// Binance USD-M and COIN-M futures as the catalog lists them (see src/venues/descriptor.ts).
import { coinOption, urlOption, wsUrlOption, type VenueDescriptor } from '../../descriptor';

// One API-management page serves both futures products.
const keyPage = 'https://www.binance.com/en/my/settings/api-management';
const spotUrl = urlOption('spotUrl', 'Spot/SAPI URL (key permissions)', 'https://api.binance.com');

export const binanceUsdmDescriptor: VenueDescriptor<'binance-usdm'> = {
  id: 'binance-usdm',
  label: 'Binance USD-M futures (USDT/USDC margined)',
  needsKey: true,
  needsPassphrase: false,
  keyHint: 'Binance needs an API key and secret.',
  keyPage,
  options: [],
  advanced: [urlOption('restUrl', 'Futures REST URL', 'https://fapi.binance.com'), spotUrl, wsUrlOption('Futures WebSocket URL', 'wss://fstream.binance.com')],
  rulebook: 'binance-usdm',
};

export const binanceCoinmDescriptor: VenueDescriptor<'binance-coinm'> = {
  id: 'binance-coinm',
  label: 'Binance COIN-M futures',
  needsKey: true,
  needsPassphrase: false,
  keyHint: 'Binance needs an API key and secret.',
  keyPage,
  options: [coinOption('settleAsset', 'Margin coin', 'BTC')],
  advanced: [urlOption('restUrl', 'Futures REST URL', 'https://dapi.binance.com'), spotUrl, wsUrlOption('Futures WebSocket URL', 'wss://dstream.binance.com')],
  rulebook: 'binance-coinm',
};
