// Runs the v2 Monte Carlo kernel in a worker thread so alerts and the UI never wait on it.
// The worker is built from the kernel's own source text (the kernel is self-contained by contract),
// which works the same under tsx, vitest and the bundled app without a separate worker entry file.
import { Worker } from 'node:worker_threads';
import {
  buildMonteCarloJob,
  combineAccountLevels,
  forecastAccountV1,
  isMultiAssetCrossBook,
  levelsFromSurvival,
  monteCarloKernel,
  type AccountForecast,
  type MonteCarloInput,
  type MonteCarloJob,
  type MonteCarloResult,
} from '../domain/forecast';

const WORKER_SOURCE = `
'use strict';
var __name = function (f) { return f; };
const { parentPort } = require('node:worker_threads');
const monteCarloKernel = ${monteCarloKernel.toString()};
parentPort.on('message', (msg) => {
  try {
    parentPort.postMessage({ id: msg.id, result: monteCarloKernel(msg.job) });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: String((e && e.message) || e) });
  }
});
`;

interface Pending {
  resolve: (r: MonteCarloResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class MonteCarloRunner {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly options: { paths: number; seed: number; timeoutMs?: number }) {}

  /** Full account forecast: v1 for positions, Monte Carlo for a multi-asset cross book. */
  async run(input: MonteCarloInput): Promise<AccountForecast> {
    const v1 = forecastAccountV1(input);
    if (!isMultiAssetCrossBook(input.snapshot)) return v1; // single-asset: the closed form is the better estimator
    const { job, levels, warnings, calibration } = buildMonteCarloJob(input, this.options.paths, this.options.seed);
    if (!job) return v1;
    const result = await this.runJob(job);
    const crossLevels = levelsFromSurvival(result, job, levels, calibration);
    return {
      asOf: v1.asOf,
      model: 'v2-monte-carlo',
      levels: combineAccountLevels(input, v1.positions, crossLevels),
      positions: v1.positions,
      warnings: [...new Set([...warnings, ...v1.warnings])],
    };
  }

  /** Runs one kernel job in the worker. */
  runJob(job: MonteCarloJob): Promise<MonteCarloResult> {
    if (this.closed) return Promise.reject(new Error('forecast service is closed'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<MonteCarloResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`Monte Carlo timed out after ${this.options.timeoutMs ?? 15_000} ms`));
      }, this.options.timeoutMs ?? 15_000);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, job });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref(); // never keeps the process alive on its own
    worker.on('message', (msg: { id: number; result?: MonteCarloResult; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.result) p.resolve(msg.result);
      else p.reject(new Error(msg.error ?? 'Monte Carlo worker failed'));
    });
    const failAll = (err: Error): void => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(err);
        this.pending.delete(id);
      }
      this.worker = null; // a fresh worker is started on the next job
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (code !== 0) failAll(new Error(`Monte Carlo worker exited with code ${code}`));
      this.worker = null;
    });
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error('forecast service closed'));
      this.pending.delete(id);
    }
    if (w) await w.terminate();
  }
}
