// Shared bits for the alert integration tests: temp database files and recording channels.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NotificationChannel, OutgoingNotification, SendResult } from '../../../src/notify/types';

export function tempDir(prefix = 'mw-alerts-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RecordingChannel extends NotificationChannel {
  received: OutgoingNotification[];
  failing: boolean;
}

export function recordingChannel(
  id: string,
  options: { accepts?: (n: OutgoingNotification) => boolean } = {},
): RecordingChannel {
  const channel: RecordingChannel = {
    id,
    received: [],
    failing: false,
    async send(n): Promise<SendResult> {
      if (channel.failing) return { ok: false, detail: `${id} is down`, attempts: 3 };
      channel.received.push(n);
      return { ok: true, attempts: 1 };
    },
  };
  if (options.accepts) channel.accepts = options.accepts;
  return channel;
}

export class FakeClock {
  constructor(public ms: number) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}
