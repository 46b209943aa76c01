import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import {
  copyPaths,
  earlierStage,
  envDeclarations,
  execForm,
  isIgnored,
  parseDockerignore,
  stageVariables,
  substitute,
  type Dockerfile,
  type Instruction,
} from './dockerfile.js';

const run = promisify(execFile);

/** What replaying one stage left behind. */
export interface ReplayedStage {
  /** The directory standing in for the stage's `/`. */
  root: string;
  /** The last `WORKDIR`, a container path. */
  workdir: string;
  /** `ENV` of the stage. */
  env: Record<string, string>;
  /** The exec-form `ENTRYPOINT`, if any. */
  entrypoint?: string[];
  /** Each `RUN` replayed, with its duration. */
  runs: { command: string; ms: number }[];
}

/** Options of {@link replayStages}. */
export interface ReplayOptions {
  /** The build context: the repository root (its `.dockerignore` applies). */
  contextDir: string;
  /** An empty directory outside the repository; stage `i` is replayed in `<dir>/stage-<i>`. */
  dir: string;
  /** Environment for `RUN` (e.g. `npm_config_prefer_offline`), over the stage's `ENV`. */
  env?: Record<string, string>;
  /**
   * Stages not replayed but taken as built: stage name to a directory
   * standing in for its `/` (e.g. one whose `src` links to the checkout).
   */
  stageRoots?: Record<string, string>;
  /** Leave `RUN` steps out (for images whose `RUN`s only remove tools or add users). */
  skipRuns?: boolean;
}

/**
 * Replays a Dockerfile's stages without Docker, to prove its `COPY` and
 * `RUN` steps produce a working tree: each stage is a directory standing in
 * for `/`, `COPY` copies from the context (minus `.dockerignore`) or an
 * earlier stage, `RUN` runs on this machine in the mapped `WORKDIR`. The
 * base images' own files are not there, so the host's tools stand in
 * (the caller checks their versions match). To keep the host safe, `RUN`
 * may only call `npm` and `npx`, and never with an absolute path.
 */
export async function replayStages(dockerfile: Dockerfile, options: ReplayOptions): Promise<ReplayedStage[]> {
  const ignore = parseDockerignore(readFileSync(join(options.contextDir, '.dockerignore'), 'utf8'));
  const replayed: ReplayedStage[] = [];
  for (const stage of dockerfile.stages) {
    const standIn = stage.name === undefined ? undefined : options.stageRoots?.[stage.name];
    if (standIn !== undefined) {
      replayed.push({ root: standIn, workdir: '/', env: {}, runs: [] });
      continue;
    }
    const root = join(options.dir, `stage-${stage.index}`);
    const base = earlierStage(dockerfile, stage.resolvedImage.text, stage.index);
    const baseReplay = base ? replayed[base.index] : undefined;
    if (baseReplay) cpSync(baseReplay.root, root, { recursive: true, verbatimSymlinks: true });
    else mkdirSync(root, { recursive: true });
    const state: ReplayedStage = {
      root,
      workdir: baseReplay?.workdir ?? '/',
      env: { ...baseReplay?.env },
      ...(baseReplay?.entrypoint ? { entrypoint: baseReplay.entrypoint } : {}),
      runs: [],
    };
    for (const [i, instruction] of stage.instructions.entries()) {
      const vars = stageVariables(dockerfile, stage, i);
      switch (instruction.keyword) {
        case 'WORKDIR':
          state.workdir = posix.resolve(state.workdir, substitute(instruction.args, vars).text);
          mkdirSync(hostPath(state, state.workdir), { recursive: true });
          break;
        case 'ENV':
          for (const [name, value] of envDeclarations(instruction))
            state.env[name] = substitute(value, vars).text;
          break;
        case 'COPY':
          copy(instruction, state, () => {
            const from = instruction.flags.from?.[0];
            if (from === undefined) return { dir: options.contextDir, ignore };
            const source = earlierStage(dockerfile, from, stage.index);
            const sourceReplay = source ? replayed[source.index] : undefined;
            if (!sourceReplay) throw new Error(`line ${instruction.line}: cannot replay COPY --from=${from}`);
            return { dir: sourceReplay.root, ignore: [] };
          });
          break;
        case 'RUN':
          if (!options.skipRuns) await runCommand(instruction, state, options.env ?? {});
          break;
        case 'ENTRYPOINT':
          state.entrypoint = execForm(instruction);
          break;
        case 'ADD':
          throw new Error(`line ${instruction.line}: ADD is not replayed; use COPY`);
        default:
          // ARG, USER, LABEL, EXPOSE, CMD, ...: metadata, nothing to build.
          break;
      }
    }
    replayed.push(state);
  }
  return replayed;
}

/** The host path of container path `path` in a replayed stage. */
export function hostPath(stage: Pick<ReplayedStage, 'root'>, path: string): string {
  return join(stage.root, posix.resolve('/', path));
}

function copy(
  instruction: Instruction,
  state: ReplayedStage,
  sourceOf: () => { dir: string; ignore: ReturnType<typeof parseDockerignore> },
): void {
  const { sources, dest } = copyPaths(instruction);
  const { dir, ignore } = sourceOf();
  const destPath = posix.resolve(state.workdir, dest);
  const intoDirectory = dest.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    if (/[*?[]|^<</.test(source))
      throw new Error(`line ${instruction.line}: cannot replay COPY of ${source}`);
    const from = join(dir, posix.resolve('/', source));
    const rel = relative(dir, from);
    if (!existsSync(from) || (ignore.length > 0 && isIgnored(ignore, rel))) {
      throw new Error(`line ${instruction.line}: COPY source ${source} is not in the build context`);
    }
    const isDir = statSync(from).isDirectory();
    const target = hostPath(state, intoDirectory && !isDir ? posix.join(destPath, basename(from)) : destPath);
    cpSync(from, target, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (path) => ignore.length === 0 || !isIgnored(ignore, relative(dir, path)),
    });
  }
}

async function runCommand(
  instruction: Instruction,
  state: ReplayedStage,
  env: Record<string, string>,
): Promise<void> {
  if (execForm(instruction)) throw new Error(`line ${instruction.line}: exec-form RUN is not replayed`);
  const command = instruction.args;
  for (const step of command.split(/&&/)) {
    if (!/^\s*(npm|npx)\s/.test(step)) {
      throw new Error(`line ${instruction.line}: replay runs only npm and npx, not: ${step.trim()}`);
    }
  }
  if (/(^|[\s=:'"])\//.test(command)) {
    throw new Error(`line ${instruction.line}: replay refuses absolute paths: ${command}`);
  }
  const started = Date.now();
  try {
    await run('sh', ['-c', command], {
      cwd: hostPath(state, state.workdir),
      env: { ...withoutNpmScriptEnv(process.env), ...state.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`line ${instruction.line}: ${command} failed:\n${e.stderr || e.stdout || e.message}`);
  }
  state.runs.push({ command, ms: Date.now() - started });
}

/** The environment minus what `npm run` sets for its scripts (`npm_config_*`, `INIT_CWD`), which would steer a nested npm back to the checkout. */
function withoutNpmScriptEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'),
  );
}
