/** Variables the runner inherits; nothing else of hub-proxy's environment (it holds secrets). */
const INHERITED_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'SHELL',
];

/**
 * What every runner process starts with, before anything run-specific:
 * the few inherited variables above and unbuffered output. A warm runner
 * is spawned with exactly this, and gets the run's variables at hand-over.
 */
export function runnerBaseEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  env.PYTHONUNBUFFERED = '1';
  return env;
}
