// Trigger prices where no closed form exists: the bucket's ratio is evaluated at trial prices of one
// symbol (the state is moved there and restored exactly) and each level is bracketed on a geometric
// grid around the mark, then bisected. Used for inverse contracts whose cross collateral follows the
// same coin (MB is then not linear in 1/P) and for option books (margin moves with the underlying).
import { Dec } from './decimal';
import type { Bucket, EngineState, PositionState } from './state';

/** Grid step (5 %) and reach (mark / 1000 … mark × 1000) of the bracket search. */
const GRID_STEP = new Dec('1.05');
const GRID_STEPS = 142;
const BISECTIONS = 72;

interface SavedPosition {
  p: PositionState;
  fields: Pick<
    PositionState,
    'mark' | 'notional' | 'upnl' | 'initial' | 'terms' | 'maintenance' | 'fee' | 'underlying'
  >;
}

/** Every mutable figure a mark move touches, to put back bit for bit. */
function save(state: EngineState, moved: readonly PositionState[]): () => void {
  const positions: SavedPosition[] = moved.map((p) => ({
    p,
    fields: {
      mark: p.mark,
      notional: p.notional,
      upnl: p.upnl,
      initial: p.initial,
      terms: p.terms,
      maintenance: p.maintenance,
      fee: p.fee,
      underlying: p.underlying,
    },
  }));
  const portfolio = state.portfolio;
  const buckets = new Set<Bucket>(moved.map((p) => p.bucket));
  buckets.add(state.cross);
  const totals = [...buckets].map((b) => ({
    b,
    base: b.base,
    upnl: b.upnl,
    maintenance: b.maintenance,
    fee: b.fee,
    initial: b.initial,
  }));
  const collateral = state.collateral.map((c) => ({ c, price: c.price, value: c.value }));
  return () => {
    state.portfolio = portfolio;
    for (const { p, fields } of positions) Object.assign(p, fields);
    for (const t of totals)
      Object.assign(t.b, {
        base: t.base,
        upnl: t.upnl,
        maintenance: t.maintenance,
        fee: t.fee,
        initial: t.initial,
      });
    for (const s of collateral) {
      s.c.price = s.price;
      s.c.value = s.value;
    }
  };
}

/**
 * Runs `measure` with the state moved by `move(price)` (which must only revalue `moved` and the
 * collateral), then restores the state exactly. Table warnings at trial prices are not the account's.
 */
export function measureAt<T>(
  state: EngineState,
  moved: readonly PositionState[],
  move: (quiet: EngineState, price: Dec) => void,
  price: Dec,
  measure: () => T,
): T {
  const restore = save(state, moved);
  try {
    move({ ...state, warn: () => undefined }, price);
    return measure();
  } finally {
    restore();
  }
}

/**
 * Prices at which f(P) = level, for every level: the crossing nearest to the mark (on a log scale),
 * null when f does not cross the level between mark / 1000 and mark × 1000. The grid is walked
 * outward on both sides at once and only as far as the last level needs (usually a few dozen points).
 */
export function scanLevels(f: (price: Dec) => Dec, mark: Dec, levels: readonly Dec[]): (Dec | null)[] {
  const atMark = f(mark);
  const down: { p: Dec; v: Dec }[] = [];
  const up: { p: Dec; v: Dec }[] = [];
  const sides = levels.map((level) => atMark.minus(level).cmp(0));
  const found: ({ side: { p: Dec; v: Dec }[]; k: number } | null)[] = levels.map(() => null);
  let open = sides.filter((s0) => s0 !== 0).length;
  let lo = mark;
  let hi = mark;
  for (let k = 0; k < GRID_STEPS && open > 0; k++) {
    lo = lo.div(GRID_STEP);
    hi = hi.times(GRID_STEP);
    down.push({ p: lo, v: f(lo) });
    up.push({ p: hi, v: f(hi) });
    levels.forEach((level, i) => {
      const s0 = sides[i]!;
      if (s0 === 0 || found[i]) return;
      // Down first: at equal distance the fall is the move the account fears most.
      for (const side of [down, up]) {
        if (side[k]!.v.minus(level).cmp(0) !== s0) {
          found[i] = { side, k };
          open--;
          return;
        }
      }
    });
  }
  return levels.map((level, i) => {
    const s0 = sides[i]!;
    if (s0 === 0) return mark;
    const hit = found[i];
    if (!hit) return null;
    const sideOf = (v: Dec): number => v.minus(level).cmp(0);
    let inside = hit.k === 0 ? mark : hit.side[hit.k - 1]!.p;
    let outside = hit.side[hit.k]!.p;
    if (sideOf(hit.side[hit.k]!.v) === 0) return outside;
    for (let i = 0; i < BISECTIONS; i++) {
      const mid = inside.plus(outside).div(2);
      const s = sideOf(f(mid));
      if (s === 0) return mid;
      if (s === s0) inside = mid;
      else outside = mid;
    }
    return inside.plus(outside).div(2);
  });
}
