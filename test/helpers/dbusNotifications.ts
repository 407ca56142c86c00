// A private desktop-notification stack for tests: a D-Bus session bus of our own, Xvfb, the real
// dunst notification server on it, and dbus-monitor recording every org.freedesktop.Notifications
// Notify call. Needs Debian's dbus, dunst, xvfb and libnotify-bin (installed by .ci/run).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface NotifyCall {
  appName: string;
  icon: string;
  summary: string;
  body: string;
  /** 0 low, 1 normal, 2 critical; null when the hint is absent. */
  urgency: number | null;
}

export interface NotificationBus {
  env: { DBUS_SESSION_BUS_ADDRESS: string; DISPLAY: string };
  calls(): NotifyCall[];
  waitForCalls(count: number, timeoutMs?: number): Promise<NotifyCall[]>;
  stop(): Promise<void>;
}

function firstLine(child: ChildProcess, what: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no output within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl).trim());
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${what}: ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited early (${code})`));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startNotificationBus(): Promise<NotificationBus> {
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children.reverse()) {
      if (c.exitCode === null && c.pid) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await Promise.race([exited, sleep(2000)]);
      }
    }
  };
  try {
    const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(bus);
    const address = await firstLine(bus, 'dbus-daemon');
    // -displayfd lets Xvfb pick a free display and tell us its number.
    const xvfb = spawn('Xvfb', ['-displayfd', '1', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(xvfb);
    const display = `:${await firstLine(xvfb, 'Xvfb')}`;
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, DISPLAY: display };

    const monitor = spawn(
      'dbus-monitor',
      ['--session', "interface='org.freedesktop.Notifications',member='Notify'"],
      {
        env,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    children.push(monitor);
    let log = '';
    monitor.stdout!.on('data', (c: Buffer) => (log += c.toString()));

    const dunst = spawn('dunst', [], { env, stdio: 'ignore' });
    children.push(dunst);
    await waitForOwner(env, 'org.freedesktop.Notifications');

    const calls = () => parseNotifyCalls(log);
    return {
      env: { DBUS_SESSION_BUS_ADDRESS: address, DISPLAY: display },
      calls,
      async waitForCalls(count, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        while (calls().length < count && Date.now() < deadline) await sleep(50);
        return calls();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForOwner(env: NodeJS.ProcessEnv, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = spawnSync(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      { env, encoding: 'utf8' },
    );
    if (r.stdout?.includes('boolean true')) return;
    await sleep(100);
  }
  throw new Error(`${name} never appeared on the private bus (is dunst installed?)`);
}

/** Parses dbus-monitor's text output for Notify(app_name, replaces_id, icon, summary, body, actions, hints, timeout). */
export function parseNotifyCalls(log: string): NotifyCall[] {
  const calls: NotifyCall[] = [];
  const blocks = log
    .split(/^(?=method call )/m)
    .filter((b) => b.startsWith('method call') && /member=Notify\b/.test(b));
  for (const block of blocks) {
    const strings = [...block.matchAll(/^\s{3}string "((?:[^"\\]|\\.)*)"$/gm)].map((m) =>
      m[1]!.replace(/\\(.)/g, '$1'),
    );
    const urgency = /string "urgency"\s+variant\s+byte (\d+)/.exec(block);
    calls.push({
      appName: strings[0] ?? '',
      icon: strings[1] ?? '',
      summary: strings[2] ?? '',
      body: strings[3] ?? '',
      urgency: urgency ? Number(urgency[1]) : null,
    });
  }
  return calls;
}
