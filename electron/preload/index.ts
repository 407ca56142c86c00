// The only bridge between the sandboxed renderer and the service: one validated call() and one
// event channel. No Node, no ipcRenderer, no Electron objects reach the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent, Envelope } from '../../src/api/messages';
import type { MarginWatchBridge } from '../../src/ui/lib/transport';
import { IPC_CALL, IPC_EVENT } from '../shared';

const bridge: MarginWatchBridge = {
  call(command: string, params: unknown): Promise<Envelope<unknown>> {
    if (typeof command !== 'string')
      return Promise.resolve({ ok: false, error: { message: 'command must be a string' } });
    return ipcRenderer.invoke(IPC_CALL, command, params) as Promise<Envelope<unknown>>;
  },
  onEvent(listener: (event: ApiEvent) => void): () => void {
    const handler = (_e: IpcRendererEvent, event: ApiEvent) => listener(event);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld('marginwatch', bridge);
