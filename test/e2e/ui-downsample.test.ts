// The History charts' min/max thinning (pure, no browser): extremes survive, lines in one chart share
// their bucket times, short series pass through unchanged.
import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from '../../src/ui/lib/downsample';

const line = (values: number[], start = 0) => values.map((value, i) => ({ time: start + i * 60, value }));

describe('downsampleMinMax', () => {
  it('leaves series that already fit the width alone', () => {
    const a = line([1, 2, 3]);
    expect(downsampleMinMax([a], 10)[0]).toBe(a);
  });

  it('keeps each bucket’s lowest and highest value in time order, at most two points per bucket', () => {
    const values = Array.from({ length: 3000 }, (_, i) => Math.sin(i / 50));
    values[1234] = -7; // a dip to liquidation
    values[2001] = 9;
    const [out] = downsampleMinMax([line(values)], 500);
    expect(out!.length).toBeLessThanOrEqual(1000);
    expect(out!.length).toBeGreaterThan(400);
    expect(Math.min(...out!.map((p) => p.value))).toBe(-7);
    expect(Math.max(...out!.map((p) => p.value))).toBe(9);
    for (let i = 1; i < out!.length; i++) expect(out![i]!.time).toBeGreaterThan(out![i - 1]!.time);
  });

  it('puts every line of one chart on the same bucket times', () => {
    const a = line(Array.from({ length: 2000 }, (_, i) => i % 7));
    const b = line(
      Array.from({ length: 1500 }, (_, i) => -(i % 5)),
      60 * 300,
    );
    const [da, db] = downsampleMinMax([a, b], 200);
    const times = new Set([...da!, ...db!].map((p) => p.time));
    expect(times.size).toBeLessThanOrEqual(400);
    expect(Math.min(...db!.map((p) => p.value))).toBe(-4);
    expect(Math.max(...da!.map((p) => p.value))).toBe(6);
  });
});
