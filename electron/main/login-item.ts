// "Start at login" is a service setting (settings.app.startAtLogin); the shell applies it to the OS.
import { app } from 'electron';

export function applyStartAtLogin(settings: unknown): void {
  const value = (settings as { app?: { startAtLogin?: unknown } } | null)?.app?.startAtLogin;
  if (typeof value !== 'boolean') return;
  if (app.getLoginItemSettings().openAtLogin !== value)
    app.setLoginItemSettings({ openAtLogin: value, openAsHidden: true });
}
