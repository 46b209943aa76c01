/** One sample of a metric in Prometheus' text format. */
export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of `name` in `text` (exact name: `x_bucket` is not `x`). */
export function metricSamples(text: string, name: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const close = line.lastIndexOf('}');
    const labels: Record<string, string> = {};
    if (line[name.length] === '{') {
      for (const m of line.slice(name.length + 1, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[m[1] as string] = m[2] as string;
      }
    }
    samples.push({ labels, value: Number(line.slice(line.lastIndexOf(' ') + 1)) });
  }
  return samples;
}

/** The value of the one sample of `name` whose labels include `match`; NaN if none. */
export function metricValue(text: string, name: string, match: Record<string, string> = {}): number {
  const sample = metricSamples(text, name).find((s) =>
    Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
  return sample?.value ?? NaN;
}
