/**
 * The static rules every Dockerfile under images/ must pass, beyond
 * hadolint: pinned bases, no `latest`, a numeric non-root final user, no
 * secrets in layers, no unverified downloads. Each rule returns its findings
 * with line numbers; tests/images/dockerfile-lint.test.ts runs them and
 * proves each one catches a bad example. docs/images.md lists them.
 */
import {
  argDeclarations,
  copyPaths,
  earlierStage,
  envDeclarations,
  parseDockerfile,
  parseImageRef,
  stageVariables,
  substitute,
  type Dockerfile,
  type Stage,
} from './dockerfile.js';

/** A rule's finding: the line it is about and why. */
export interface Problem {
  line: number;
  message: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const EXACT_VERSION = /(?:^|[^0-9.])v?\d+\.\d+\.\d+(?![0-9])/;

/** Why an external image reference is not pinned, or undefined when it is. */
function unpinnedReason(ref: string): string | undefined {
  if (ref === 'scratch') return undefined;
  const { tag, digest } = parseImageRef(ref);
  if (digest !== undefined) return DIGEST.test(digest) ? undefined : `${ref} has a malformed digest`;
  if (tag === undefined) return `${ref} has no tag (that is :latest)`;
  if (!EXACT_VERSION.test(tag))
    return `${ref}: tag ${tag} is not an exact version (major.minor.patch) or a digest`;
  return undefined;
}

/** Every FROM and COPY --from names an earlier stage or a base pinned by digest or exact version. */
function pinnedBaseImages(df: Dockerfile): Problem[] {
  const problems: Problem[] = [];
  for (const stage of df.stages) {
    const refs: { line: number; ref: string; missing: string[] }[] = [
      { line: stage.from.line, ref: stage.resolvedImage.text, missing: stage.resolvedImage.missing },
    ];
    for (const [i, instruction] of stage.instructions.entries()) {
      const from = instruction.flags.from?.[0];
      if (instruction.keyword === 'COPY' && from !== undefined) {
        const resolved = substitute(from, stageVariables(df, stage, i));
        refs.push({ line: instruction.line, ref: resolved.text, missing: resolved.missing });
      }
    }
    for (const { line, ref, missing } of refs) {
      if (missing.length > 0) {
        problems.push({ line, message: `${ref || '(empty)'}: $${missing.join(', $')} has no default` });
      } else if (!earlierStage(df, ref, stage.index)) {
        const reason = unpinnedReason(ref);
        if (reason) problems.push({ line, message: reason });
      }
    }
  }
  return problems;
}

/** No instruction mentions `latest` (a moving tag, a `@latest` package, a `/latest` download). */
function noLatest(df: Dockerfile): Problem[] {
  return df.instructions
    .filter((i) => /\blatest\b/i.test([i.raw, ...i.heredocs].join('\n')))
    .map((i) => ({ line: i.line, message: `${i.keyword} mentions latest: ${i.raw}` }));
}

/** The final stage runs as a numeric, non-zero uid (a name cannot be checked by runAsNonRoot). */
function nonRootFinalUser(df: Dockerfile): Problem[] {
  let stage: Stage | undefined = df.stages.at(-1);
  while (stage) {
    const index = stage.instructions.map((i) => i.keyword).lastIndexOf('USER');
    const instruction = stage.instructions[index];
    if (instruction) {
      const user = substitute(instruction.args, stageVariables(df, stage, index));
      const uid = user.text.split(':')[0] ?? '';
      const line = instruction.line;
      if (user.missing.length > 0)
        return [{ line, message: `USER ${instruction.args}: $${user.missing[0]} is unknown` }];
      if (!/^\d+$/.test(uid)) return [{ line, message: `USER ${user.text} is not a numeric uid` }];
      if (Number(uid) === 0) return [{ line, message: `USER ${user.text} is root` }];
      return [];
    }
    stage = earlierStage(df, stage.resolvedImage.text, stage.index);
  }
  return [
    {
      line: df.stages.at(-1)?.from.line ?? 1,
      message: 'the final stage sets no USER (the base image user, often root)',
    },
  ];
}

/** Secret words anywhere; TOKEN and KEY only as a whole `_` part, so TOKENIZERS_PARALLELISM and KEYRING_DIR pass. */
const SECRET_NAME =
  /SECRET|PASSWORD|PASSWD|CREDENTIAL|(^|_)(AUTH|API|ACCESS)?TOKENS?(_|$)|(^|_)(API|ACCESS|PRIVATE)?KEYS?(_|$)/i;

/**
 * No secret-named ARG at all (a build argument's value is kept in the image
 * history of every RUN that sees it) and no secret-named ENV with a value.
 */
function noSecretVariables(df: Dockerfile): Problem[] {
  const problems: Problem[] = [];
  for (const instruction of df.instructions) {
    if (instruction.keyword === 'ARG') {
      for (const [name] of argDeclarations(instruction)) {
        if (SECRET_NAME.test(name)) {
          problems.push({ line: instruction.line, message: `ARG ${name}: use RUN --mount=type=secret` });
        }
      }
    } else if (instruction.keyword === 'ENV') {
      for (const [name, value] of envDeclarations(instruction)) {
        if (SECRET_NAME.test(name) && value !== '') {
          problems.push({ line: instruction.line, message: `ENV ${name} puts a secret in the image` });
        }
      }
    }
  }
  return problems;
}

const SECRET_FILE =
  /(^|\/)(\.env(\.[^/]*)?|id_(rsa|dsa|ecdsa|ed25519)|[^/]*\.(pem|key|p12|pfx)|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.dockercfg|kubeconfig|\.kube|\.docker|\.ssh|\.aws)$/;

/** No COPY or ADD of key, credential or dotenv files. */
function noSecretFiles(df: Dockerfile): Problem[] {
  return df.instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .flatMap((i) =>
      copyPaths(i)
        .sources.filter((s) => SECRET_FILE.test(s.replace(/\/+$/, '')))
        .map((s) => ({ line: i.line, message: `${i.keyword} of ${s}: secrets never go into a layer` })),
    );
}

/** ADD never fetches a URL or a git repository (unverified, and not cached by content). */
function noRemoteAdd(df: Dockerfile): Problem[] {
  return df.instructions
    .filter((i) => i.keyword === 'ADD')
    .flatMap((i) =>
      copyPaths(i)
        .sources.filter((s) => /^(https?|git|ssh):\/\/|^git@/.test(s))
        .map((s) => ({ line: i.line, message: `ADD ${s}: download in a RUN with a checksum instead` })),
    );
}

/** A RUN never feeds a download to an interpreter (`curl ... | sh`, `bash <(curl ...)`). */
function noPipeToShell(df: Dockerfile): Problem[] {
  const piped =
    /\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(\S*\/)?(ba|z|da|k)?sh\b|\b(curl|wget)\b[^|;&]*\|\s*(\S*\/)?python/;
  const substituted = /(\$\(|<\(|`)\s*(curl|wget)\b/;
  return df.instructions
    .filter(
      (i) =>
        i.keyword === 'RUN' &&
        (piped.test(i.raw) || (substituted.test(i.raw) && /\bsh\b|bash|eval/.test(i.raw))),
    )
    .map((i) => ({
      line: i.line,
      message: 'RUN pipes a download into a shell: download, check its sha256, then run it',
    }));
}

/** A RUN that downloads over HTTP also checks a checksum (sha256sum/sha512sum) in the same step. */
function verifiedDownloads(df: Dockerfile): Problem[] {
  return df.instructions
    .filter((i) => i.keyword === 'RUN')
    .filter(
      (i) => /\b(curl|wget)\b/.test(i.raw) && /https?:\/\//.test(i.raw) && !/\bsha(256|512)sum\b/.test(i.raw),
    )
    .map((i) => ({ line: i.line, message: 'RUN downloads a file without checking its sha256sum' }));
}

export const DOCKERFILE_RULES = {
  'pins every base image by digest or exact version': pinnedBaseImages,
  'mentions latest nowhere': noLatest,
  'runs the final stage as a numeric non-root uid': nonRootFinalUser,
  'keeps secrets out of ARG and ENV': noSecretVariables,
  'copies no secret files into a layer': noSecretFiles,
  'never ADDs a URL': noRemoteAdd,
  'never pipes a download into a shell': noPipeToShell,
  'checks the checksum of every download': verifiedDownloads,
} satisfies Record<string, (df: Dockerfile) => Problem[]>;
export type RuleName = keyof typeof DOCKERFILE_RULES;

/** The findings of one rule on Dockerfile text, as `line N: message`. */
export function ruleFindings(rule: RuleName, text: string): string[] {
  return DOCKERFILE_RULES[rule](parseDockerfile(text)).map((p) => `line ${p.line}: ${p.message}`);
}
