// Alarm sound for critical alerts, played with whatever player the OS has. The file comes from
// resources/sounds/ (configurable).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { NotificationChannel, OutgoingNotification, SendResult } from './types';

const LINUX_PLAYERS = ['paplay', 'pw-play', 'aplay'];

export function findPlayer(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): { cmd: string; args: (file: string) => string[] } | null {
  if (platform === 'darwin') return { cmd: 'afplay', args: (f) => [f] };
  if (platform === 'win32') {
    return {
      cmd: 'powershell',
      args: (f) => [
        '-NoProfile',
        '-Command',
        `(New-Object Media.SoundPlayer '${f.replace(/'/g, "''")}').PlaySync()`,
      ],
    };
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const player of LINUX_PLAYERS) {
    // The absolute path: the env searched may not be the one the process runs with.
    const dir = dirs.find((d) => existsSync(join(d, player)));
    if (dir) return { cmd: join(dir, player), args: (f) => (player === 'aplay' ? ['-q', f] : [f]) };
  }
  return null;
}

export interface SoundChannel extends NotificationChannel {
  status(): { available: boolean; detail: string | null };
}

/**
 * Plays the alarm for critical level alerts. Without a player or the file, the channel takes no
 * notifications at all (and says so once through onUnavailable) rather than failing every critical
 * alert and raising "channel failing" on machines that simply have no speakers.
 */
export function soundChannel(options: {
  file: string;
  id?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  onUnavailable?: (detail: string) => void;
}): SoundChannel {
  const player = findPlayer(options.env, options.platform);
  const detail = !existsSync(options.file)
    ? `sound file missing: ${options.file}`
    : !player
      ? 'no audio player found (paplay, pw-play or aplay)'
      : null;
  if (detail) options.onUnavailable?.(detail);
  return {
    id: options.id ?? 'sound',
    status: () => ({ available: detail === null, detail }),
    accepts: (n: OutgoingNotification) => detail === null && n.sound,
    send: () =>
      new Promise<SendResult>((resolve) => {
        if (detail || !player) return resolve({ ok: false, attempts: 1, detail: detail ?? 'unavailable' });
        execFile(player.cmd, player.args(options.file), { timeout: 10_000 }, (error) =>
          resolve(
            error
              ? { ok: false, attempts: 1, detail: `sound failed: ${error.message.split('\n')[0]}` }
              : { ok: true, attempts: 1 },
          ),
        );
      }),
  };
}
