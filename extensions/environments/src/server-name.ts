/** Why a server name is refused, or `null` when it is fine. */
export type ServerNameProblem = 'empty' | 'too-long' | 'invalid' | 'current' | null;

/** The longest server name accepted (KubeSpawner keeps names under its 48-character slug limit). */
export const MAX_SERVER_NAME = 40;

/**
 * Checks a name for a new named server: lower-case letters, digits and `-`,
 * starting and ending with a letter or digit, so KubeSpawner keeps it unescaped.
 */
export function validateServerName(name: string, currentServerName = ''): ServerNameProblem {
  if (name === '') {
    return 'empty';
  }
  if (name.length > MAX_SERVER_NAME) {
    return 'too-long';
  }
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || name.includes('--')) {
    return 'invalid';
  }
  if (name === currentServerName) {
    return 'current';
  }
  return null;
}
