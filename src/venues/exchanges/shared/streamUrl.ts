// Which WebSocket host an account streams from. An explicit wsUrl wins; "off" disables streams;
// a REST override (testnet, proxy, local server) without a wsUrl also disables them, so REST and
// streams can never come from two different environments (testnet positions, mainnet marks).
export function streamUrl(options: Record<string, string>, defaultWs: string): string | null {
  if (options.wsUrl === 'off') return null;
  if (options.wsUrl) return options.wsUrl.replace(/\/+$/, '');
  return options.restUrl ? null : defaultWs;
}
