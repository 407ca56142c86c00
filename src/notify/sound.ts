// Alarm sound for critical alerts, played with whatever player the OS has. The file comes from
// resources/sounds/ (configurable).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { NotificationChannel, OutgoingNotification, SendResult } from './types';

const LINUX_PLAYERS = ['paplay', 'pw-play', 'aplay'];

export function findPlayer(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): { cmd: string; args: (file: string) => string[] } | null {
  if (platform === 'darwin') return { cmd: 'afplay', args: (f) => [f] };
  if (platform === 'win32') {
    return { cmd: 'powershell', args: (f) => ['-NoProfile', '-Command', `(New-Object Media.SoundPlayer '${f.replace(/'/g, "''")}').PlaySync()`] };
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const player of LINUX_PLAYERS) {
    if (dirs.some((d) => existsSync(join(d, player)))) return { cmd: player, args: (f) => (player === 'aplay' ? ['-q', f] : [f]) };
  }
  return null;
}

export function soundChannel(options: { file: string; id?: string; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform }): NotificationChannel {
  const player = findPlayer(options.env, options.platform);
  return {
    id: options.id ?? 'sound',
    accepts: (n: OutgoingNotification) => n.sound,
    send: () =>
      new Promise<SendResult>((resolve) => {
        if (!existsSync(options.file)) return resolve({ ok: false, attempts: 1, detail: `sound file missing: ${options.file}` });
        if (!player) return resolve({ ok: false, attempts: 1, detail: 'no audio player found (paplay, pw-play or aplay)' });
        execFile(player.cmd, player.args(options.file), { timeout: 10_000 }, (error) =>
          resolve(error ? { ok: false, attempts: 1, detail: `sound failed: ${error.message.split('\n')[0]}` } : { ok: true, attempts: 1 }),
        );
      }),
  };
}
