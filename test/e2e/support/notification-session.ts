// A private desktop notification stack for the e2e run: a D-Bus session bus, a virtual X display and
// the dunst notification server, so node-notifier's notify-send really delivers. Each process is
// started here and stopped here by its own pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NotificationSession {
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function readLine(child: ChildProcess, stream: NodeJS.ReadableStream, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start`)), 10_000);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

export async function startNotificationSession(): Promise<NotificationSession> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-notify-'));
  const children: ChildProcess[] = [];
  try {
    const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(bus);
    const address = await readLine(bus, bus.stdout!, 'dbus-daemon');

    const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '800x600x16', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(xvfb);
    const display = `:${await readLine(xvfb, xvfb.stdout!, 'Xvfb')}`;

    const env = { DBUS_SESSION_BUS_ADDRESS: address, DISPLAY: display, XDG_RUNTIME_DIR: dir };
    // Minimal dunst config so it never reads the user's.
    const config = join(dir, 'dunstrc');
    writeFileSync(config, '[global]\n    follow = none\n');
    const dunst = spawn('dunst', ['-config', config], { stdio: 'ignore', env: { ...process.env, ...env } });
    children.push(dunst);
    // Wait until dunst owns the notification name on the bus.
    for (let i = 0; i < 50; i++) {
      const probe = spawn(
        'notify-send',
        ['--expire-time=1', 'MarginWatch e2e', 'notification server check'],
        { stdio: 'ignore', env: { ...process.env, ...env } },
      );
      const code = await new Promise<number | null>((resolve) => probe.once('exit', resolve));
      if (code === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      env,
      async stop() {
        for (const child of children.reverse()) await stopChild(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
