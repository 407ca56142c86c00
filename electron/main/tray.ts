// Tray icon: colour = worst level (grey ring when data is not healthy), tooltip from the service,
// menu lists open alerts; clicking one acknowledges it.
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { MonitorApi } from '../../src/api/messages';
import type { TrayState } from '../../src/api/health';

export type { TrayState };

export interface TraySource {
  trayState(): TrayState;
  onTrayChange(listener: (state: TrayState) => void): (() => void) | void;
}

export interface TrayActions {
  show(hash: string | null): void;
  quit(): void;
}

const MAX_MENU_ALERTS = 10;

export function trayIconPath(iconsDir: string, state: Pick<TrayState, 'level' | 'dataHealthy'>): string {
  return join(iconsDir, `tray-${state.level}${state.dataHealthy ? '' : '-stale'}.png`);
}

export function createTray(
  iconsDir: string,
  source: TraySource & MonitorApi,
  actions: TrayActions,
): () => void {
  const tray = new Tray(
    nativeImage.createFromPath(trayIconPath(iconsDir, { level: 'ok', dataHealthy: true })),
  );
  const render = (state: TrayState) => {
    tray.setImage(nativeImage.createFromPath(trayIconPath(iconsDir, state)));
    tray.setToolTip(state.tooltip);
    const alertItems: MenuItemConstructorOptions[] = state.openAlerts
      .slice(0, MAX_MENU_ALERTS)
      .map((alert) => ({
        label: `Acknowledge: [${alert.level}] ${alert.title}`.slice(0, 90),
        click: () => {
          void source.call('alerts.ack', { alertId: alert.id });
        },
      }));
    const more = state.openAlerts.length - MAX_MENU_ALERTS;
    const template: MenuItemConstructorOptions[] = [
      { label: state.tooltip.split('\n')[0] ?? 'MarginWatch', enabled: false },
      { type: 'separator' },
      ...(alertItems.length > 0 ? alertItems : [{ label: 'No open alerts', enabled: false }]),
      ...(more > 0
        ? [{ label: `${more} more in the alerts inbox…`, click: () => actions.show('#/alerts') }]
        : []),
      { type: 'separator' },
      { label: 'Open MarginWatch', click: () => actions.show(null) },
      { label: 'Alerts inbox', click: () => actions.show('#/alerts') },
      { type: 'separator' },
      { label: 'Quit MarginWatch', click: () => actions.quit() },
    ];
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };
  render(source.trayState());
  const unsubscribe = source.onTrayChange(render);
  tray.on('click', () => actions.show(null));
  return () => {
    if (typeof unsubscribe === 'function') unsubscribe();
    tray.destroy();
  };
}
