import { describe, expect, it } from 'vitest';
import { mergePatch } from '../../src/service/mergePatch';

describe('settings merge patch', () => {
  it('changes only the keys a patch names, at any depth', () => {
    const base = { channels: { webhook: { enabled: false, url: null }, ntfy: { enabled: true, topic: 'desk' } }, levels: ['0.7', '0.8'] };
    expect(mergePatch(base, { channels: { webhook: { enabled: true, url: 'http://x' } } })).toEqual({
      channels: { webhook: { enabled: true, url: 'http://x' }, ntfy: { enabled: true, topic: 'desk' } },
      levels: ['0.7', '0.8'],
    });
    expect(mergePatch(base, { levels: ['0.9'] }).levels).toEqual(['0.9']);
    expect(base.channels.webhook.enabled).toBe(false); // base untouched
  });

  it('ignores prototype keys', () => {
    const merged = mergePatch({ a: 1 }, JSON.parse('{"__proto__": {"polluted": true}, "b": 2}')) as Record<string, unknown>;
    expect(merged).toEqual({ a: 1, b: 2 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
