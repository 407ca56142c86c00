// Carries src/api/messages.ts between the renderer and the service: one invoke channel for commands
// (sender checked, command name checked; params are zod-validated by the service) and one event channel.
import { ipcMain, type BrowserWindow } from 'electron';
import { commandSchemas, type CommandName, type Envelope, type MonitorApi } from '../../src/api/messages';
import { IPC_CALL, IPC_EVENT } from '../shared';
import { isTrustedSender } from './security';

export function connectIpc(
  api: MonitorApi,
  getWindow: () => BrowserWindow | null,
  devUrl: string | undefined,
  afterCall?: (command: CommandName, envelope: Envelope<unknown>) => void,
): () => void {
  ipcMain.handle(IPC_CALL, async (event, command: unknown, params: unknown): Promise<Envelope<unknown>> => {
    if (!isTrustedSender(event.senderFrame, devUrl))
      return { ok: false, error: { message: 'refused: IPC from an untrusted frame' } };
    if (typeof command !== 'string' || !Object.hasOwn(commandSchemas, command)) {
      return {
        ok: false,
        error: {
          message: `unknown command ${JSON.stringify(String(command)).slice(0, 80)}`,
          path: 'command',
        },
      };
    }
    try {
      const envelope = await api.call(command as CommandName, params);
      afterCall?.(command as CommandName, envelope);
      return envelope;
    } catch (error) {
      return { ok: false, error: { message: error instanceof Error ? error.message : 'service error' } };
    }
  });
  const unsubscribe = api.subscribe((event) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, event);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL);
  };
}
