/**
 * Kubernetes resource quantities (`500m`, `2`, `8Gi`, `1.5G`, `1e3`), parsed
 * to plain numbers: the catalog compares defaults with maxima and renders
 * KubeSpawner's values; GPU availability sums requests.
 */

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The value of a Kubernetes quantity in base units (cores for CPU, bytes for
 * memory), or `undefined` when `text` is not a quantity.
 */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, number = '', suffix = ''] = match;
  const multiplier = /^[eE][+-]?\d+$/.test(suffix) ? 10 ** Number(suffix.slice(1)) : MULTIPLIERS[suffix];
  if (multiplier === undefined) return undefined;
  const value = Number(number) * multiplier;
  return Number.isFinite(value) ? value : undefined;
}

/** KubeSpawner's ByteSpecification suffixes: powers of 1024, largest first. */
const BYTE_UNITS: Array<[string, number]> = [
  ['T', 2 ** 40],
  ['G', 2 ** 30],
  ['M', 2 ** 20],
  ['K', 2 ** 10],
];

/**
 * A byte count in the form KubeSpawner's `mem_limit`/`mem_guarantee` accept.
 * Its suffixes are binary (`8G` is 8 GiB) and it rejects Kubernetes' `8Gi`,
 * so whole binary units become `<n>G`/`<n>M`/..., and anything else an integer.
 */
export function toKubeSpawnerBytes(bytes: number): string | number {
  const whole = Math.round(bytes);
  for (const [suffix, size] of BYTE_UNITS) {
    if (whole >= size && whole % size === 0) return `${whole / size}${suffix}`;
  }
  return whole;
}
