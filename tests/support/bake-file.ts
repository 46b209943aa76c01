/** A bake target as the committed file states it. */
export interface ParsedTarget {
  name: string;
  context?: string;
  dockerfile: string;
  contexts: Record<string, string>;
  args: Record<string, string>;
  tags: string[];
  platforms: string[];
}

/**
 * Reads the subset of HCL the bake file uses: `group "x" { targets = [...] }`
 * and `target "x" { key = "s", key = ["s", ...], key = { k = "s" } }`, with
 * `#` comments. Anything else throws, so a change of shape shows up here.
 */
export function parseBake(text: string): { groups: Record<string, string[]>; targets: ParsedTarget[] } {
  const tokens = text.replace(/#[^\n]*/g, '').match(/"[^"\n]*"|[A-Za-z_][\w-]*|[{}[\]=,]/g);
  let at = 0;
  const next = () => {
    const token = tokens?.[at++];
    if (token === undefined) throw new Error('bake file ends early');
    return token;
  };
  const expectToken = (want: string) => {
    const got = next();
    if (got !== want) throw new Error(`bake file: expected ${want}, got ${got}`);
  };
  const string = () => {
    const token = next();
    if (!token.startsWith('"')) throw new Error(`bake file: expected a string, got ${token}`);
    return token.slice(1, -1);
  };
  const value = (): string | string[] | Record<string, string> => {
    const token = tokens?.[at];
    if (token === '[') {
      next();
      const items: string[] = [];
      while (tokens?.[at] !== ']') {
        items.push(string());
        if (tokens?.[at] === ',') next();
      }
      next();
      return items;
    }
    if (token === '{') {
      next();
      const entries: Record<string, string> = {};
      while (tokens?.[at] !== '}') {
        const key = next().replace(/^"|"$/g, '');
        expectToken('=');
        entries[key] = string();
      }
      next();
      return entries;
    }
    return string();
  };
  const groups: Record<string, string[]> = {};
  const targets: ParsedTarget[] = [];
  while (tokens && at < tokens.length) {
    const kind = next();
    const name = string();
    expectToken('{');
    const body: Record<string, unknown> = {};
    while (tokens[at] !== '}') {
      const key = next();
      expectToken('=');
      body[key] = value();
    }
    next();
    if (kind === 'group') groups[name] = body.targets as string[];
    else if (kind === 'target') {
      targets.push({
        name,
        context: body.context as string | undefined,
        dockerfile: body.dockerfile as string,
        contexts: (body.contexts as Record<string, string> | undefined) ?? {},
        args: (body.args as Record<string, string> | undefined) ?? {},
        tags: (body.tags as string[] | undefined) ?? [],
        platforms: (body.platforms as string[] | undefined) ?? [],
      });
    } else throw new Error(`bake file: unknown block ${kind}`);
  }
  return { groups, targets };
}
