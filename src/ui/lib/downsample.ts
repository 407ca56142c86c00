// Thins chart series to the chart's pixel width before they reach the chart library: per time bucket
// (a pixel column or two) each line keeps its lowest and highest value, so spikes, dips and the moments
// near liquidation survive while the library lays out and paints far fewer points.
// Lines drawn in one chart share their bucket times, so the chart's common time scale stays as small
// as one line's (the library merges every line's times into one axis).

export interface TimeValue {
  time: number;
  value: number;
}

/**
 * At most two points per bucket and line: the earlier extreme at the bucket's first time, the later at
 * its last time (order kept, so the line's shape inside the bucket is preserved). Input: ascending times.
 * Lines whose total is already within `2 × buckets` points come back unchanged.
 */
export function downsampleMinMax<T extends TimeValue>(lines: T[][], buckets: number): T[][] {
  const n = Math.max(1, Math.floor(buckets));
  if (lines.every((l) => l.length <= 2 * n)) return lines;
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const l of lines) {
    if (l.length === 0) continue;
    t0 = Math.min(t0, l[0]!.time);
    t1 = Math.max(t1, l[l.length - 1]!.time);
  }
  const span = t1 - t0 + 1;
  const bucketOf = (t: number) => Math.min(n - 1, Math.floor(((t - t0) / span) * n));
  // Shared first and last time of each bucket across all lines.
  const first = new Float64Array(n).fill(Infinity);
  const last = new Float64Array(n).fill(-Infinity);
  for (const l of lines)
    for (const p of l) {
      const b = bucketOf(p.time);
      if (p.time < first[b]!) first[b] = p.time;
      if (p.time > last[b]!) last[b] = p.time;
    }
  return lines.map((l) => {
    const out: T[] = [];
    let i = 0;
    while (i < l.length) {
      const b = bucketOf(l[i]!.time);
      let lo = i;
      let hi = i;
      let j = i + 1;
      for (; j < l.length && bucketOf(l[j]!.time) === b; j++) {
        if (l[j]!.value < l[lo]!.value) lo = j;
        if (l[j]!.value > l[hi]!.value) hi = j;
      }
      const [early, late] = lo <= hi ? [l[lo]!, l[hi]!] : [l[hi]!, l[lo]!];
      if (early === late || first[b] === last[b]) out.push({ ...early, time: first[b]! });
      else out.push({ ...early, time: first[b]! }, { ...late, time: last[b]! });
      i = j;
    }
    return out;
  });
}
