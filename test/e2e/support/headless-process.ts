// Starts the real headless service (`src/headless/main.ts`) as a child process, reads the URL line
// it prints, and stops it with SIGINT expecting a clean exit 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './browser';

export interface RunningHeadless {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGINT and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startHeadless(options: {
  dataDir: string;
  demoSpeed?: number;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<RunningHeadless> {
  const args = [
    join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    join(repoRoot, 'src', 'headless', 'main.ts'),
    '--port',
    '0',
    '--data-dir',
    options.dataDir,
  ];
  if (options.demoSpeed !== undefined) args.push('--demo-speed', String(options.demoSpeed));
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`headless did not print its URL within ${options.timeoutMs ?? 60_000} ms\n${err}`)),
      options.timeoutMs ?? 60_000,
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`headless exited with ${code} before printing its URL\n${err}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
