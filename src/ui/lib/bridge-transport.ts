// Desktop shell: the preload bridge is always connected while the window exists.
import type { ApiEvent, CommandName, CommandParams, CommandResults, Envelope } from '../../api/messages';
import type { ConnectionState, MarginWatchBridge, Transport } from './transport';

export function bridgeTransport(bridge: MarginWatchBridge): Transport {
  return {
    call<C extends CommandName>(command: C, params: CommandParams<C>) {
      return bridge.call(command, params) as Promise<Envelope<CommandResults[C]>>;
    },
    subscribe(listener: (event: ApiEvent) => void) {
      return bridge.onEvent(listener);
    },
    onConnection(listener: (state: ConnectionState) => void) {
      listener('open');
      return () => {};
    },
  };
}
