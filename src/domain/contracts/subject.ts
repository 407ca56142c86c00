// What an alert or a danger verdict is about, as a tagged value. The machine form
// (`position:BTCUSDT:long`, `cross`, `account`, `system:stale`, `liquidated:position:BTCUSDT:long`)
// is printed and parsed here only; people see `subjectLabel`.

export type PositionSide = 'both' | 'long' | 'short';

export type Subject =
  | { type: 'account' }
  /** The cross-margin book: every cross position of the account shares one margin pool. */
  | { type: 'cross' }
  | { type: 'position'; symbol: string; side: PositionSide; marginMode?: 'isolated' | 'cross' }
  /** Data health and engine checks: `stale`, `key`, `discrepancy:BTCUSDT:long`, ... */
  | { type: 'system'; name: string }
  /** The one-off marker that a subject was liquidated (or auto-deleveraged) by the venue. */
  | { type: 'liquidated'; of: DangerSubject };

/** Subjects that carry a margin danger of their own. */
export type DangerSubject = Extract<Subject, { type: 'cross' } | { type: 'position' }>;

export const ACCOUNT_SUBJECT: Subject = { type: 'account' };
export const CROSS_SUBJECT: DangerSubject = { type: 'cross' };

export function positionSubjectOf(p: { symbol: string; positionSide: PositionSide; marginMode?: 'isolated' | 'cross' }): DangerSubject {
  return { type: 'position', symbol: p.symbol, side: p.positionSide, ...(p.marginMode ? { marginMode: p.marginMode } : {}) };
}

/** The one machine form of a subject (stable key; the margin mode is not part of it). */
export function subjectKey(s: Subject): string {
  switch (s.type) {
    case 'account':
      return 'account';
    case 'cross':
      return 'cross';
    case 'position':
      return `position:${s.symbol}:${s.side}`;
    case 'system':
      return `system:${s.name}`;
    case 'liquidated':
      return `liquidated:${subjectKey(s.of)}`;
  }
}

/** Parses a machine form back; null when it is not one (e.g. legacy `predictive:*` keys). */
export function parseSubject(key: string): Subject | null {
  if (key === 'account') return { type: 'account' };
  if (key === 'cross') return { type: 'cross' };
  if (key.startsWith('system:') && key.length > 7) return { type: 'system', name: key.slice(7) };
  if (key.startsWith('liquidated:')) {
    const of = parseSubject(key.slice(11));
    return of && (of.type === 'cross' || of.type === 'position') ? { type: 'liquidated', of } : null;
  }
  const m = /^position:(.+):(both|long|short)$/.exec(key);
  if (m) return { type: 'position', symbol: m[1]!, side: m[2] as PositionSide };
  return null;
}

const SYSTEM_LABEL: Record<string, string> = {
  stale: 'data freshness',
  unreachable: 'exchange connection',
  key: 'API key',
  'key-permissions': 'API key permissions',
  'clock-skew': 'clock',
  blind: 'monitor',
  storage: 'storage',
};

/** Plain words for people: "BTCUSDT long (isolated)", "cross book", "account". */
export function subjectLabel(s: Subject): string {
  switch (s.type) {
    case 'account':
      return 'account';
    case 'cross':
      return 'cross book';
    case 'position': {
      const side = s.side === 'both' ? '' : ` ${s.side}`;
      return `${s.symbol}${side}${s.marginMode ? ` (${s.marginMode})` : ''}`;
    }
    case 'system': {
      if (s.name.startsWith('discrepancy:')) {
        const [, symbol, side] = s.name.split(':');
        return `engine check ${symbol ?? ''}${side && side !== 'both' ? ` ${side}` : ''}`;
      }
      return SYSTEM_LABEL[s.name] ?? s.name.replace(/[-:]/g, ' ');
    }
    case 'liquidated':
      return `${subjectLabel(s.of)} liquidation`;
  }
}

/** Label of a machine key, for stored alerts; unknown keys get a neutral word, never the raw key. */
export function subjectKeyLabel(key: string): string {
  const s = parseSubject(key);
  return s ? subjectLabel(s) : 'alert';
}
