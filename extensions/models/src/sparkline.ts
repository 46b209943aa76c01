/**
 * The geometry of a sparkline: values left to right scaled into a box, as
 * the `points` of an SVG polyline. Only finite values are drawn.
 */

/** A laid-out sparkline. */
export interface SparklineLayout {
  /** SVG polyline points, `x,y` pairs separated by spaces; `''` for no data. */
  points: string;
  /** The largest value drawn (the top of the scale is at least this). */
  max: number;
  /** The last finite value, if any. */
  last: number | undefined;
}

/**
 * Scales `values` into a `width` x `height` box with a `pad` margin. The
 * scale starts at 0 (rates and latencies are never negative), so a flat line
 * of zeros lies on the bottom; one value is drawn as a flat line.
 */
export function layoutSparkline(
  values: readonly number[],
  width: number,
  height: number,
  pad = 1,
): SparklineLayout {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) {
    return { points: '', max: 0, last: undefined };
  }
  const max = Math.max(0, ...finite);
  const scale = max > 0 ? (height - 2 * pad) / max : 0;
  const y = (v: number) => round(height - pad - Math.max(0, v) * scale);
  const series = finite.length === 1 ? [finite[0] as number, finite[0] as number] : finite;
  const step = (width - 2 * pad) / (series.length - 1);
  const points = series.map((v, i) => `${round(pad + i * step)},${y(v)}`).join(' ');
  return { points, max, last: finite[finite.length - 1] };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
