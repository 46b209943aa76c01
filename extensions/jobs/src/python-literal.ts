import type { JsonValue } from '@turing/client';

/**
 * A small reader of Python literals as they appear in a papermill
 * `parameters` cell: numbers, strings (single, double and triple quoted, with
 * escapes and adjacent-literal concatenation), `True`/`False`/`None`, lists,
 * tuples and dicts, turned into JSON values. Anything else (calls, names,
 * arithmetic) is not a literal and yields `undefined`.
 */
export function parsePythonLiteral(text: string): JsonValue | undefined {
  const reader = new LiteralReader(text);
  try {
    const value = reader.value();
    reader.skipSpace();
    return reader.atEnd() ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown inside the reader for anything that is not a literal. */
class NotALiteral extends Error {}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/** A Python int or float literal, with an optional sign, `_` separators, hex/octal/binary ints. */
const NUMBER =
  /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?)(?![\w.])/;

function toNumber(literal: string): number {
  const sign = literal.startsWith('-') ? -1 : 1;
  const digits = literal.replace(/^[-+]/, '').replace(/_/g, '');
  const prefixed = /^0([xob])(.*)$/i.exec(digits);
  if (prefixed) {
    const radix = { x: 16, o: 8, b: 2 }[(prefixed[1] ?? 'x').toLowerCase() as 'x' | 'o' | 'b'];
    return sign * parseInt(prefixed[2] ?? '', radix);
  }
  return sign * Number(digits);
}

class LiteralReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** Skips blanks, newlines and `#` comments. */
  skipSpace(): void {
    while (!this.atEnd()) {
      const c = this.text[this.pos];
      if (c === '#') {
        const newline = this.text.indexOf('\n', this.pos);
        this.pos = newline < 0 ? this.text.length : newline;
      } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\\') {
        this.pos += 1;
      } else {
        return;
      }
    }
  }

  value(): JsonValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '[' || c === '(') {
      return this.sequence(c === '[' ? ']' : ')');
    }
    if (c === '{') {
      return this.dict();
    }
    if (this.startsString()) {
      let s = this.string();
      // Adjacent string literals concatenate, as in Python.
      for (this.skipSpace(); this.startsString(); this.skipSpace()) {
        s += this.string();
      }
      return s;
    }
    const rest = this.text.slice(this.pos);
    const number = NUMBER.exec(rest)?.[0];
    if (number) {
      this.pos += number.length;
      return toNumber(number);
    }
    const name = /^[A-Za-z_]\w*/.exec(rest)?.[0];
    this.pos += name?.length ?? 0;
    if (name === 'True') {
      return true;
    }
    if (name === 'False') {
      return false;
    }
    if (name === 'None') {
      return null;
    }
    throw new NotALiteral();
  }

  private startsString(): boolean {
    return /^[rRbBuU]?['"]/.test(this.text.slice(this.pos, this.pos + 2));
  }

  private string(): string {
    let raw = false;
    if (/[rRbBuU]/.test(this.text[this.pos] ?? '')) {
      raw = /[rR]/.test(this.text[this.pos] ?? '');
      this.pos += 1;
    }
    const quote = this.text[this.pos] ?? '';
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    const close = triple ? quote.repeat(3) : quote;
    this.pos += close.length;
    let out = '';
    while (!this.atEnd()) {
      if (this.text.startsWith(close, this.pos)) {
        this.pos += close.length;
        return out;
      }
      const c = this.text[this.pos] ?? '';
      if (c === '\n' && !triple) {
        break;
      }
      if (c === '\\' && !raw) {
        const next = this.text[this.pos + 1] ?? '';
        const unicode = /^(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))/.exec(this.text.slice(this.pos + 1));
        if (unicode) {
          out += String.fromCharCode(parseInt(unicode[1] ?? unicode[2] ?? '0', 16));
          this.pos += 1 + unicode[0].length;
        } else if (next === '\n') {
          this.pos += 2;
        } else {
          out += ESCAPES[next] ?? `\\${next}`;
          this.pos += 2;
        }
        continue;
      }
      out += c;
      this.pos += 1;
    }
    throw new NotALiteral();
  }

  private expect(c: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] === c) {
      this.pos += 1;
      return true;
    }
    return false;
  }

  private sequence(close: string): JsonValue[] {
    this.pos += 1;
    const items: JsonValue[] = [];
    while (!this.expect(close)) {
      items.push(this.value());
      if (!this.expect(',')) {
        if (!this.expect(close)) {
          throw new NotALiteral();
        }
        break;
      }
    }
    return items;
  }

  private dict(): { [key: string]: JsonValue } {
    this.pos += 1;
    const entries: Array<[string, JsonValue]> = [];
    while (!this.expect('}')) {
      const key = this.value();
      if (!this.expect(':')) {
        throw new NotALiteral();
      }
      entries.push([typeof key === 'string' ? key : JSON.stringify(key), this.value()]);
      if (!this.expect(',')) {
        if (!this.expect('}')) {
          throw new NotALiteral();
        }
        break;
      }
    }
    return Object.fromEntries(entries);
  }
}
