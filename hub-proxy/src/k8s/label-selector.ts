/** One clause of a label selector. */
export type LabelRequirement =
  | { key: string; operator: 'equals' | 'notEquals'; value: string }
  | { key: string; operator: 'in' | 'notIn'; values: string[] }
  | { key: string; operator: 'exists' | 'doesNotExist' };

/** A selector as a string (`app=x,tier!=db,env in (a,b),!legacy`) or as `matchLabels`. */
export type LabelSelectorInput = string | Record<string, string>;

const SET_CLAUSE = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQUALITY_CLAUSE = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const KEY_ONLY = /^(!?)\s*([^\s!=()]+)$/;

/** Splits on commas that are not inside `( )`. */
function splitClauses(selector: string): string[] {
  const clauses: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      clauses.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  clauses.push(selector.slice(start));
  return clauses.map((c) => c.trim()).filter((c) => c.length > 0);
}

/**
 * Parses the Kubernetes label selector syntax (equality and set-based).
 * Throws on a clause it cannot read rather than silently matching everything.
 */
export function parseLabelSelector(selector: LabelSelectorInput): LabelRequirement[] {
  if (typeof selector !== 'string') {
    return Object.entries(selector).map(([key, value]) => ({ key, operator: 'equals', value }));
  }
  return splitClauses(selector).map((clause): LabelRequirement => {
    let m = SET_CLAUSE.exec(clause);
    if (m) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
      return { key: m[1] ?? '', operator: m[2] === 'in' ? 'in' : 'notIn', values };
    }
    m = EQUALITY_CLAUSE.exec(clause);
    if (m) return { key: m[1] ?? '', operator: m[2] === '!=' ? 'notEquals' : 'equals', value: m[3] ?? '' };
    m = KEY_ONLY.exec(clause);
    if (m) return { key: m[2] ?? '', operator: m[1] ? 'doesNotExist' : 'exists' };
    throw new Error(`invalid label selector clause: ${JSON.stringify(clause)}`);
  });
}

/** True when `labels` satisfy every requirement (an empty selector matches everything). */
export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string> = {},
): boolean {
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case 'equals':
        return has && value === r.value;
      case 'notEquals':
        return !has || value !== r.value;
      case 'in':
        return has && r.values.includes(value ?? '');
      case 'notIn':
        return !has || !r.values.includes(value ?? '');
      case 'exists':
        return has;
      case 'doesNotExist':
        return !has;
    }
  });
}
