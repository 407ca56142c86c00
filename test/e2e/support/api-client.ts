// A Node WebSocket client of the headless API, authenticated by header: the test's own view of
// what the service says, to compare with what the UI shows.
import WebSocket from 'ws';
import type {
  AccountView,
  ApiEvent,
  CommandName,
  CommandParams,
  CommandResults,
  Envelope,
} from '../../../src/api/messages';
import type { WireMessage } from '../../../src/headless/protocol';

export class ApiClient {
  private nextId = 1;
  private pending = new Map<number, (e: Envelope<unknown>) => void>();
  readonly events: ApiEvent[] = [];
  /** Recent account views by account id and snapshot asOf. */
  readonly accountsByAsOf = new Map<string, AccountView>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as WireMessage;
      if (message.kind === 'response') {
        this.pending.get(message.id)?.(message.envelope);
        this.pending.delete(message.id);
      } else if (message.kind === 'event') {
        this.events.push(message.event);
        if (this.events.length > 5000) this.events.shift();
        if (message.event.type === 'account' && message.event.account.snapshot) {
          this.remember(message.event.account);
        }
      }
    });
  }

  remember(account: AccountView): void {
    if (!account.snapshot) return;
    this.accountsByAsOf.set(`${account.id}@${account.snapshot.asOf}`, account);
    if (this.accountsByAsOf.size > 2000)
      this.accountsByAsOf.delete(this.accountsByAsOf.keys().next().value as string);
  }

  static connect(origin: string, token: string): Promise<ApiClient> {
    const url = origin.replace(/^http/, 'ws') + '/api';
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { 'X-MarginWatch-Token': token } });
      ws.once('open', () => resolve(new ApiClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  async call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResults[C]> {
    const id = this.nextId++;
    const envelope = await new Promise<Envelope<unknown>>((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, command, params }));
    });
    if (!envelope.ok) throw new Error(`${command}: ${envelope.error.message}`);
    return envelope.result as CommandResults[C];
  }

  close(): void {
    this.ws.close();
  }
}
