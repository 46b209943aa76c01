/**
 * Lines of a run log that say nothing about the run: ipykernel warns on
 * every start that it listens over TCP without encryption, e.g.
 * `[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All
 * communication (including code and outputs) is sent in plain text ...`
 * (the runner may prefix a `[12:53:11] ` time). The run's kernel listens on
 * its own pod's loopback only.
 */
const NOISE: readonly RegExp[] = [/Kernel is running over TCP without encryption\./];

/** The log without {@link NOISE} lines; a partial last line is kept as is. */
export function withoutLogNoise(text: string): string {
  if (!NOISE.some((pattern) => pattern.test(text))) {
    return text;
  }
  return text
    .split(/(?<=\n)/)
    .filter((line) => !NOISE.some((pattern) => pattern.test(line)))
    .join('');
}
