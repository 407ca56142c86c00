// Synthesises the critical-alert sound: three short two-tone beeps, 16-bit mono PCM WAV.
// Kept in code so the committed resource can be regenerated and checked.
export function alarmWav(sampleRate = 22050): Buffer {
  const beepMs = 180;
  const gapMs = 70;
  const tones = [880, 1320, 880, 1320, 880, 1320];
  const samplesPerBeep = Math.round((sampleRate * beepMs) / 1000);
  const samplesPerGap = Math.round((sampleRate * gapMs) / 1000);
  const total = tones.length * (samplesPerBeep + samplesPerGap);
  const data = Buffer.alloc(total * 2);
  let offset = 0;
  for (const freq of tones) {
    for (let i = 0; i < samplesPerBeep; i++) {
      // Short linear fade in/out avoids clicks.
      const fade = Math.min(1, i / 200, (samplesPerBeep - i) / 200);
      const v = Math.sin((2 * Math.PI * freq * i) / sampleRate) * 0.6 * fade;
      data.writeInt16LE(Math.round(v * 32767), offset);
      offset += 2;
    }
    offset += samplesPerGap * 2;
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // PCM chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
