// Stand-ins for the browser's notification and audio channels, installed before the app loads
// (page.addInitScript): they record what the app asked for instead of producing it. Records survive
// reloads (sessionStorage), so a test can look back over a whole session.
import type { Page } from 'playwright-core';

export interface BrowserRecord {
  notifications: { title: string; body: string; tag: string; level: string; at: number }[];
  titles: { title: string; at: number }[];
  tones: number;
}

export function stubBrowserChannels(permission: NotificationPermission): string {
  return `(() => {
    const w = window;
    const KEY = '__mw_e2e_record';
    const saved = JSON.parse(sessionStorage.getItem(KEY) || 'null') || { notifications: [], titles: [], tones: 0 };
    w.__record = saved;
    const save = () => sessionStorage.setItem(KEY, JSON.stringify(w.__record));
    class FakeNotification {
      static permission = ${JSON.stringify(permission)};
      static async requestPermission() { FakeNotification.permission = 'granted'; return 'granted'; }
      constructor(title, options) {
        w.__record.notifications.push({
          title, body: options?.body ?? '', tag: options?.tag ?? '', level: options?.data?.level ?? '', at: Date.now(),
        });
        save();
      }
      close() {}
    }
    w.Notification = FakeNotification;
    class FakeAudioContext {
      state = 'running';
      currentTime = 0;
      destination = {};
      async resume() { this.state = 'running'; }
      async close() {}
      createOscillator() {
        return { type: '', frequency: { value: 0 }, connect: (n) => n, start: () => { w.__record.tones++; save(); }, stop() {} };
      }
      createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (n) => n }; }
    }
    w.AudioContext = FakeAudioContext;
    document.addEventListener('DOMContentLoaded', () => {
      new MutationObserver(() => {
        const last = w.__record.titles[w.__record.titles.length - 1];
        if (!last || last.title !== document.title) {
          w.__record.titles.push({ title: document.title, at: Date.now() });
          save();
        }
      }).observe(document.head, { childList: true, subtree: true, characterData: true });
    });
  })();`;
}

export function browserRecord(page: Page): Promise<BrowserRecord> {
  return page.evaluate(() => (window as unknown as { __record: BrowserRecord }).__record);
}
