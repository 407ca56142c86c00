// Wire format of the headless WebSocket (/api). It only frames the messages of src/api/messages.ts:
// a request id around each command, and events pushed on the same socket. No Node imports: the UI
// reads these types too.
import type { ApiEvent, CommandName, Envelope } from './messages';

export const API_PATH = '/api';
/** Largest message the server accepts from a client (commands are small). */
export const MAX_CLIENT_MESSAGE_BYTES = 256 * 1024;

export interface WireRequest {
  id: number;
  command: CommandName;
  params: unknown;
}

/** The server says "still here" this often; a client hearing nothing for 3 intervals reconnects. */
export const HEARTBEAT_MS = 15_000;

export type WireMessage =
  | { kind: 'response'; id: number; envelope: Envelope<unknown> }
  | { kind: 'event'; event: ApiEvent }
  | { kind: 'heartbeat'; at: string };
