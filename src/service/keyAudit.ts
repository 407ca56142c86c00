// Re-checks each exchange key's permissions now and then: a key added read-only that later gains
// trading or withdrawal rights is a security problem the trader must hear about. The first check of
// a key is its baseline; the auditor never overwrites it, so the warning stays until the key is replaced.
import type { StoredKeyCheck } from '../store/accountStore';

type Permissions = StoredKeyCheck['permissions'];

/** What the key can do now that it could not at its baseline, as one sentence, or null. */
export function widenedPermissions(baseline: Permissions, now: Permissions): string | null {
  const gained: string[] = [];
  if (now.withdraw === true && baseline.withdraw !== true) gained.push('withdrawals');
  if (now.trade === true && baseline.trade !== true) gained.push('trading');
  if (gained.length === 0) return null;
  return `This API key now has ${gained.join(' and ')} enabled; it did not when MarginWatch first checked it.`;
}

export interface KeyAuditorOptions {
  intervalMs: number;
  /** Accounts with a key, each with a way to check it against the exchange now. */
  accounts: () => { id: string; check: () => Promise<StoredKeyCheck | null> }[];
  baseline: (id: string) => StoredKeyCheck | null;
  saveBaseline: (id: string, check: StoredKeyCheck) => void;
  onNotice: (id: string, notice: string | null) => void;
  log: (line: string) => void;
}

export class KeyAuditor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: KeyAuditorOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over every account (a pass still running is joined, not doubled). */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    for (const account of this.options.accounts()) {
      try {
        const now = await account.check();
        // An unreachable exchange or a rejected key is the data path's alert, not a permission change.
        if (!now || now.verdict === 'invalid') continue;
        const baseline = this.options.baseline(account.id);
        if (!baseline) {
          this.options.saveBaseline(account.id, now);
          continue;
        }
        this.options.onNotice(account.id, widenedPermissions(baseline.permissions, now.permissions));
      } catch (error) {
        this.options.log(`key check of ${account.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
