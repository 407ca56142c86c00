import { describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { alarmWav } from '../../../src/notify/wav';
import { soundChannel } from '../../../src/notify/sound';
import type { OutgoingNotification } from '../../../src/notify/types';
import { tempDir } from '../alerts/helpers';

const alarmFile = resolve(__dirname, '../../../resources/sounds/alarm.wav');
const critical = { sound: true, urgency: 'critical', level: 'critical' } as OutgoingNotification;

describe('alarm sound', () => {
  it('the committed WAV is the synthesised one: RIFF/PCM 16-bit mono with a consistent size', () => {
    const wav = readFileSync(alarmFile);
    expect(wav.equals(alarmWav())).toBe(true);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    const seconds = wav.readUInt32LE(40) / wav.readUInt32LE(28);
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(2);
  });

  it('plays the file through the player found on PATH, only for notifications that ask for sound', async () => {
    const tmp = tempDir();
    try {
      const log = join(tmp.dir, 'played');
      const player = join(tmp.dir, 'aplay');
      writeFileSync(player, `#!/bin/sh\necho "$@" > ${log}\n`);
      chmodSync(player, 0o755);
      const channel = soundChannel({ file: alarmFile, env: { PATH: tmp.dir }, platform: 'linux' });
      expect(channel.status()).toEqual({ available: true, detail: null });
      expect(channel.accepts!({ ...critical, sound: false })).toBe(false);
      expect(channel.accepts!(critical)).toBe(true);
      expect(await channel.send(critical)).toEqual({ ok: true, attempts: 1 });
      expect(readFileSync(log, 'utf8').trim()).toBe(`-q ${alarmFile}`);
    } finally {
      tmp.cleanup();
    }
  });

  it('without a player it takes nothing and says so once', () => {
    const said: string[] = [];
    const channel = soundChannel({
      file: alarmFile,
      env: { PATH: '/nonexistent' },
      platform: 'linux',
      onUnavailable: (d) => said.push(d),
    });
    expect(channel.accepts!(critical)).toBe(false);
    expect(said).toEqual(['no audio player found (paplay, pw-play or aplay)']);
    expect(existsSync(alarmFile)).toBe(true);
  });
});
