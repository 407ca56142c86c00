// How the UI reaches the service: the Electron preload bridge or the headless WebSocket. Both carry
// exactly the messages of src/api/messages.ts.
import type { ApiEvent, CommandName, CommandParams, CommandResults, Envelope } from '../../api/messages';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<Envelope<CommandResults[C]>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Called with every change; 'open' again after a reconnect means "reload state". */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** What the Electron preload exposes as window.marginwatch (see electron/preload). */
export interface MarginWatchBridge {
  call(command: string, params: unknown): Promise<Envelope<unknown>>;
  /** Registers the single event listener; returns an unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

export const BRIDGE_GLOBAL = 'marginwatch';
