/**
 * A small Dockerfile reader for the static image checks in tests/images/
 * (no Docker engine runs on these machines): instructions with their flags
 * and line numbers, line continuations, comments, heredocs, build stages,
 * base image references, and `ARG`/`ENV` substitution with the defaults the
 * file declares. It reads what Turing's Dockerfiles use; it is not BuildKit.
 * Also here: the root `.dockerignore` matcher, since both decide what a
 * build can see.
 */

/** One instruction, continuation lines joined. */
export interface Instruction {
  /** Upper case: `FROM`, `RUN`, `COPY`, ... */
  keyword: string;
  /** Everything after the keyword, flags included, continuations joined with a space. */
  raw: string;
  /** Leading `--name=value` flags (`--from`, `--chown`, `--mount`, `--platform`); a bare `--link` maps to ''. */
  flags: Record<string, string[]>;
  /** `raw` without the leading flags. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
  /** Bodies of `<<EOF` heredocs, in order. */
  heredocs: string[];
}

/** One build stage: a `FROM` and the instructions up to the next one. */
export interface Stage {
  index: number;
  /** The `AS` name, lower case as BuildKit compares it. */
  name?: string;
  from: Instruction;
  /** The image reference as written (`node:20.20.2-bookworm-slim`, `${BASE}`, `build`). */
  image: string;
  /** `image` with the global `ARG` defaults substituted; `missing` names variables without one. */
  resolvedImage: Substituted;
  instructions: Instruction[];
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  instructions: Instruction[];
  /** `ARG`s before the first `FROM` and their defaults (undefined: none). */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
}

/** The result of substituting variables into a word. */
export interface Substituted {
  text: string;
  /** Variables referenced without a value (BuildKit would substitute ''). */
  missing: string[];
}

/** A base image reference split into its parts. */
export interface ImageRef {
  /** Registry and repository, e.g. `nvcr.io/nvidia/cuda` or `node`. */
  name: string;
  tag?: string;
  /** `sha256:<hex>` */
  digest?: string;
}

const FLAG_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD']);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/** Parses Dockerfile text. Throws on an unterminated heredoc or an instruction before any `FROM` other than `ARG`. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split(/\r?\n/);
  const escape = escapeCharacter(lines);
  const instructions: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i] ?? '';
    if (isBlankOrComment(first)) {
      i += 1;
      continue;
    }
    const line = i + 1;
    let logical = '';
    // Join continuations; comment lines inside one are dropped, as Docker does.
    for (;;) {
      const current = lines[i] ?? '';
      i += 1;
      const trimmed = current.trimEnd();
      if (trimmed.endsWith(escape) && i < lines.length) {
        logical += `${trimmed.slice(0, -1)} `;
        while (i < lines.length && /^\s*#/.test(lines[i] ?? '')) i += 1;
        continue;
      }
      logical += current;
      break;
    }
    const match = /^\s*(\S+)\s*(.*)$/s.exec(logical);
    const keyword = (match?.[1] ?? '').toUpperCase();
    const raw = (match?.[2] ?? '').trim();
    const heredocs: string[] = [];
    if (HEREDOC_KEYWORDS.has(keyword)) {
      for (const doc of raw.matchAll(HEREDOC)) {
        const stripTabs = doc[1] === '-';
        const word = doc[3] ?? '';
        const body: string[] = [];
        for (;;) {
          if (i >= lines.length) throw new Error(`line ${line}: heredoc <<${word} is not terminated`);
          const bodyLine = lines[i] ?? '';
          i += 1;
          const candidate = stripTabs ? bodyLine.replace(/^\t+/, '') : bodyLine;
          if (candidate === word) break;
          body.push(candidate);
        }
        heredocs.push(body.join('\n'));
      }
    }
    const { flags, rest } = FLAG_KEYWORDS.has(keyword) ? splitFlags(raw) : { flags: {}, rest: raw };
    instructions.push({ keyword, raw, flags, args: rest, line, heredocs });
  }
  return { instructions, ...stagesOf(instructions) };
}

/** The escape character: `\` unless a leading `# escape=` parser directive says otherwise. */
function escapeCharacter(lines: string[]): string {
  for (const line of lines) {
    const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!directive) break;
    if (directive[1]?.toLowerCase() === 'escape' && directive[2]) return directive[2];
  }
  return '\\';
}

function isBlankOrComment(line: string): boolean {
  return /^\s*(#.*)?$/.test(line);
}

function splitFlags(raw: string): { flags: Record<string, string[]>; rest: string } {
  const flags: Record<string, string[]> = {};
  let rest = raw;
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest);
    if (!flag?.[1]) break;
    (flags[flag[1]] ??= []).push(flag[2] ?? '');
    rest = rest.slice(flag[0].length);
  }
  return { flags, rest };
}

function stagesOf(instructions: Instruction[]): Pick<Dockerfile, 'globalArgs' | 'stages'> {
  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = shellWords(instruction.args);
      if (as !== undefined && (as.toUpperCase() !== 'AS' || !name)) {
        throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      }
      stages.push({
        index: stages.length,
        name: name?.toLowerCase(),
        from: instruction,
        image,
        resolvedImage: substitute(image, globalArgs),
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (stage) {
      stage.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      for (const [name, value] of argDeclarations(instruction)) {
        globalArgs.set(name, value === undefined ? undefined : substitute(value, globalArgs).text);
      }
    } else {
      throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
    }
  }
  return { globalArgs, stages };
}

/** `ARG A=1 B`: each name with its default (undefined: none). */
export function argDeclarations(instruction: Instruction): [string, string | undefined][] {
  return shellWords(instruction.args).map((word) => {
    const eq = word.indexOf('=');
    return eq < 0 ? [word, undefined] : [word.slice(0, eq), word.slice(eq + 1)];
  });
}

/** `ENV A=1 B="two words"` or the legacy `ENV A one value`: the pairs set. */
export function envDeclarations(instruction: Instruction): [string, string][] {
  const words = shellWords(instruction.args);
  if (words.length > 0 && !(words[0] ?? '').includes('=')) {
    const legacy = /^(\S+)\s+(.*)$/s.exec(instruction.args);
    return [[words[0] ?? '', shellWords(legacy?.[2] ?? '').join(' ')]];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

/**
 * The variables visible to instruction `before` of `stage` (exclusive): the
 * stage's `ARG`s (a bare `ARG NAME` takes the global default) and `ENV`s.
 * Variables the base image sets are unknown here.
 */
export function stageVariables(
  dockerfile: Dockerfile,
  stage: Stage,
  before = stage.instructions.length,
): Map<string, string | undefined> {
  const vars = new Map<string, string | undefined>();
  for (const instruction of stage.instructions.slice(0, before)) {
    if (instruction.keyword === 'ARG') {
      for (const [name, value] of argDeclarations(instruction)) {
        vars.set(name, value === undefined ? dockerfile.globalArgs.get(name) : substitute(value, vars).text);
      }
    } else if (instruction.keyword === 'ENV') {
      for (const [name, value] of envDeclarations(instruction)) vars.set(name, substitute(value, vars).text);
    }
  }
  return vars;
}

/** Substitutes `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alternative}` as BuildKit does. */
export function substitute(text: string, vars: Map<string, string | undefined>): Substituted {
  const missing: string[] = [];
  const out = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _all,
      braced: string | undefined,
      op: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ) => {
      const name = braced ?? bare ?? '';
      const value = vars.get(name);
      const set = value !== undefined && value !== '';
      if (op === '-') return set ? value : (word ?? '');
      if (op === '+') return set ? (word ?? '') : '';
      if (value === undefined) missing.push(name);
      return value ?? '';
    },
  );
  return { text: out, missing };
}

/** Splits on unquoted whitespace, removing quotes and backslash escapes. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i] ?? '';
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + (text[++i] ?? '');
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in: ${text}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** The JSON (exec) form of `RUN`/`CMD`/`ENTRYPOINT`/`COPY`: a JSON array of strings, else undefined (shell form). */
export function execForm(instruction: Instruction): string[] | undefined {
  if (!instruction.args.startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(instruction.args);
  } catch {
    // As in Docker: not JSON means shell form (`RUN [ -d x ] || ...`).
    return undefined;
  }
  return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
}

/** `COPY`/`ADD` sources and destination (heredoc sources appear as `<<WORD`). */
export function copyPaths(instruction: Instruction): { sources: string[]; dest: string } {
  const words = execForm(instruction) ?? shellWords(instruction.args);
  if (words.length < 2)
    throw new Error(`line ${instruction.line}: ${instruction.keyword} needs a source and a destination`);
  return { sources: words.slice(0, -1), dest: words.at(-1) ?? '' };
}

/** The stage a `FROM <name>` or `COPY --from=<name|index>` refers to, if it is an earlier stage. */
export function earlierStage(dockerfile: Dockerfile, ref: string, beforeIndex: number): Stage | undefined {
  const earlier = dockerfile.stages.slice(0, beforeIndex);
  if (/^\d+$/.test(ref)) return earlier[Number(ref)];
  return earlier.find((s) => s.name === ref.toLowerCase());
}

/** Splits `registry/repo:tag@sha256:...`. */
export function parseImageRef(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const nameTag = at < 0 ? ref : ref.slice(0, at);
  const digest = at < 0 ? undefined : ref.slice(at + 1);
  const colon = nameTag.lastIndexOf(':');
  const tagged = colon > nameTag.lastIndexOf('/');
  return {
    name: tagged ? nameTag.slice(0, colon) : nameTag,
    tag: tagged ? nameTag.slice(colon + 1) : undefined,
    digest,
  };
}

/** One `.dockerignore` line. */
export interface IgnorePattern {
  pattern: string;
  /** A `!pattern` line: the match is put back into the context. */
  exception: boolean;
  regex: RegExp;
}

/** Reads `.dockerignore` text (comments and blank lines dropped, leading `/` and `./` removed). */
export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const line of text.split(/\r?\n/)) {
    let pattern = line.trim();
    if (pattern === '' || pattern.startsWith('#')) continue;
    const exception = pattern.startsWith('!');
    if (exception) pattern = pattern.slice(1).trim();
    pattern = pattern.replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
    patterns.push({ pattern, exception, regex: globRegex(pattern) });
  }
  return patterns;
}

/** Go `filepath.Match` syntax plus `**` (any number of directories), as Docker reads it. */
function globRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error(`.dockerignore: unterminated [ in ${pattern}`);
      out += `[${pattern
        .slice(i + 1, end)
        .replace(/^\^/, '^')
        .replace(/^!/, '^')}]`;
      i = end;
    } else {
      out += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

/**
 * Whether the build context leaves `path` (relative to the context root) out:
 * the last pattern matching the path or one of its parent directories wins.
 */
export function isIgnored(patterns: IgnorePattern[], path: string): boolean {
  const parts = path.replace(/^(\.?\/)+/, '').split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const p of patterns) {
    if (candidates.some((c) => p.regex.test(c))) ignored = !p.exception;
  }
  return ignored;
}
