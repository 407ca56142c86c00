// Alert change events for the UI and the tray: a throwing listener never reaches the pipeline.
import type { AlertView } from '../../api/messages';
import type { AlertEffect } from '../../domain/alerts/types';

export class AlertEvents {
  private readonly listeners = new Set<(alert: AlertView) => void>();

  constructor(
    private readonly view: (alertId: string) => AlertView | null,
    private readonly onError: (error: unknown) => void,
  ) {}

  subscribe(listener: (alert: AlertView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every episode a decision touched, once each. */
  episodes(effects: readonly AlertEffect[]): void {
    if (this.listeners.size === 0) return;
    const ids = new Set<string>();
    for (const e of effects) if (e.type === 'episode') ids.add(e.episode.id);
    for (const id of ids) this.episode(id);
  }

  episode(id: string): void {
    if (this.listeners.size === 0) return;
    const view = this.view(id);
    if (view) this.emit(view);
  }

  emit(view: AlertView): void {
    for (const listener of this.listeners) {
      try {
        listener(view);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
