import { describe, expect, it } from 'vitest';

import {
  convertRow,
  describeRowProblem,
  isKeptRow,
  parametersCellSource,
  parseParametersCell,
  parseTypedValue,
  rowsFromParameters,
  rowsToParameters,
  setOverride,
  splitStatements,
  validateRows,
} from './parameters';
import type { ParameterRow } from './parameters';
import { parsePythonLiteral } from './python-literal';
import { executedNotebook } from './testing/notebook-fixture';
import { englishTranslate } from './testing/translate';

describe('parsePythonLiteral', () => {
  it('reads numbers, strings, booleans and None', () => {
    expect(parsePythonLiteral('3')).toBe(3);
    expect(parsePythonLiteral('-1_000')).toBe(-1000);
    expect(parsePythonLiteral('0x1F')).toBe(31);
    expect(parsePythonLiteral('1e-3')).toBe(0.001);
    expect(parsePythonLiteral('2.')).toBe(2);
    expect(parsePythonLiteral("'it\\'s'")).toBe("it's");
    expect(parsePythonLiteral('"tab\\there"')).toBe('tab\there');
    expect(parsePythonLiteral("r'C:\\new'")).toBe('C:\\new');
    expect(parsePythonLiteral('"""multi\nline"""')).toBe('multi\nline');
    expect(parsePythonLiteral("'a' 'b'")).toBe('ab');
    expect(parsePythonLiteral('True')).toBe(true);
    expect(parsePythonLiteral('False')).toBe(false);
    expect(parsePythonLiteral('None')).toBeNull();
  });

  it('reads lists, tuples and dicts as JSON, with trailing commas and comments', () => {
    expect(parsePythonLiteral("[1, 'a', None, True,]")).toEqual([1, 'a', null, true]);
    expect(parsePythonLiteral('(1, 2)')).toEqual([1, 2]);
    expect(parsePythonLiteral("{'k': [1.5, {'n': False}], 2: 'two'}  # note")).toEqual({
      k: [1.5, { n: false }],
      '2': 'two',
    });
  });

  it('refuses expressions that are not literals', () => {
    expect(parsePythonLiteral('date.today()')).toBeUndefined();
    expect(parsePythonLiteral('1 + 2')).toBeUndefined();
    expect(parsePythonLiteral('other_name')).toBeUndefined();
    expect(parsePythonLiteral('1.0j')).toBeUndefined();
    expect(parsePythonLiteral("'unterminated")).toBeUndefined();
    expect(parsePythonLiteral('[1, 2')).toBeUndefined();
  });
});

describe('parameters cell', () => {
  it('finds the cell tagged parameters and reads its assignments with types', () => {
    const source = parametersCellSource(executedNotebook());
    expect(source).toBe('date = "2026-11-28"  # the day\nn = 3\nname: str = \'Zoë\'\n');
    expect(parseParametersCell(source ?? '')).toEqual({
      rows: [
        { name: 'date', type: 'string', text: '2026-11-28' },
        { name: 'n', type: 'integer', text: '3' },
        { name: 'name', type: 'string', text: 'Zoë' },
      ],
    });
  });

  it('types floats, booleans, None, lists and dicts, and spans brackets over lines', () => {
    const cell = [
      'lr = 1.0',
      'alpha: float = 1',
      'debug = False',
      'limit = None',
      'cols = [',
      "    'a',  # first",
      "    'b',",
      ']',
      "opts = {'x': 1}; k = 5",
      'today = date.today()',
      'if_not = 1 == 1',
    ].join('\n');
    const { rows } = parseParametersCell(cell);
    expect(rows).toEqual([
      { name: 'lr', type: 'number', text: '1' },
      { name: 'alpha', type: 'number', text: '1' },
      { name: 'debug', type: 'boolean', text: 'false' },
      { name: 'limit', type: 'json', text: 'null' },
      { name: 'cols', type: 'json', text: '["a","b"]' },
      { name: 'opts', type: 'json', text: '{"x":1}' },
      { name: 'k', type: 'integer', text: '5' },
      { name: 'today', type: 'string', text: '', expression: 'date.today()' },
      { name: 'if_not', type: 'string', text: '', expression: '1 == 1' },
    ]);
  });

  it('keeps a non-literal value from the notebook: no error, not sent', () => {
    const { rows } = parseParametersCell(
      'import datetime\nstart = datetime.date(2026, 1, 1)\nratio = 1/3\nn = 3',
    );
    expect(rows).toEqual([
      { name: 'start', type: 'string', text: '', expression: 'datetime.date(2026, 1, 1)' },
      { name: 'ratio', type: 'string', text: '', expression: '1/3' },
      { name: 'n', type: 'integer', text: '3' },
    ]);
    expect(rows.map(isKeptRow)).toEqual([true, true, false]);
    expect(validateRows(rows).size).toBe(0);
    // Left out of the request: papermill keeps the notebook's own value.
    expect(rowsToParameters(rows)).toEqual({ n: 3 });
  });

  it('validates and sends an overridden row only once the user turns Override on', () => {
    const kept = parseParametersCell('start = datetime.date(2026, 1, 1)').rows[0] as ParameterRow;
    const overridden = setOverride(kept, true);
    expect(isKeptRow(overridden)).toBe(false);
    // An override must say what to use instead: empty blocks, with a message naming the expression.
    expect([...validateRows([overridden]).entries()]).toEqual([[0, { kind: 'override-empty' }]]);
    expect(describeRowProblem(overridden, { kind: 'override-empty' }, englishTranslate)).toBe(
      "start: enter the value to use instead of datetime.date(2026, 1, 1), or turn Override off to keep the notebook's value.",
    );
    expect(rowsToParameters([overridden])).toEqual({});
    const typed = { ...convertRow(overridden, 'string'), text: '2026-01-01' };
    expect(validateRows([typed]).size).toBe(0);
    expect(rowsToParameters([typed])).toEqual({ start: '2026-01-01' });
    const badInteger = { ...convertRow(overridden, 'integer'), text: 'soon' };
    expect([...validateRows([badInteger]).entries()]).toEqual([[0, { kind: 'value', expected: 'integer' }]]);
    // Turning it off again goes back to the notebook's value.
    const off = setOverride(typed, false);
    expect(isKeptRow(off)).toBe(true);
    expect(validateRows([off]).size).toBe(0);
    expect(rowsToParameters([off])).toEqual({});
  });

  it('keeps the last assignment of a name, literal or not', () => {
    expect(parseParametersCell('n = f()\nn = 2').rows).toEqual([{ name: 'n', type: 'integer', text: '2' }]);
    expect(parseParametersCell('n = 2\nn = f()').rows).toEqual([
      { name: 'n', type: 'string', text: '', expression: 'f()' },
    ]);
  });

  it('keeps the last assignment of a name once', () => {
    expect(parseParametersCell('n = 1\nn = 2').rows).toEqual([{ name: 'n', type: 'integer', text: '2' }]);
  });

  it('splits statements at newlines and semicolons, not inside strings or brackets', () => {
    expect(splitStatements("a = 'x;y'\nb = [1,\n2]; c = 3 # c;d\n\n")).toEqual([
      "a = 'x;y'",
      'b = [1,\n2]',
      'c = 3',
    ]);
  });

  it('finds no parameters cell in a notebook without one', () => {
    expect(
      parametersCellSource({ cells: [{ cell_type: 'code', source: 'x = 1', metadata: {} }] }),
    ).toBeUndefined();
  });
});

describe('typed parameter values', () => {
  it("rejects 'abc' as an integer, with a message naming the parameter", () => {
    expect(parseTypedValue('integer', 'abc')).toEqual({ ok: false });
    const row = { name: 'n', type: 'integer' as const, text: 'abc' };
    const problems = validateRows([row]);
    expect(problems.get(0)).toEqual({ kind: 'value', expected: 'integer' });
    expect(describeRowProblem(row, { kind: 'value', expected: 'integer' }, englishTranslate)).toBe(
      "n: 'abc' is not an integer",
    );
  });

  it('accepts each type only in its own form', () => {
    expect(parseTypedValue('integer', ' -42 ')).toEqual({ ok: true, value: -42 });
    expect(parseTypedValue('integer', '1.5')).toEqual({ ok: false });
    expect(parseTypedValue('integer', '99999999999999999999')).toEqual({ ok: false });
    expect(parseTypedValue('number', '1.5e3')).toEqual({ ok: true, value: 1500 });
    expect(parseTypedValue('number', '')).toEqual({ ok: false });
    expect(parseTypedValue('number', 'NaN')).toEqual({ ok: false });
    expect(parseTypedValue('boolean', 'True')).toEqual({ ok: true, value: true });
    expect(parseTypedValue('boolean', 'yes')).toEqual({ ok: false });
    expect(parseTypedValue('json', '{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } });
    expect(parseTypedValue('json', "{'a': 1}")).toEqual({ ok: false });
    expect(parseTypedValue('string', '  keep spaces ')).toEqual({ ok: true, value: '  keep spaces ' });
  });

  it('flags bad and duplicate names, and leaves bad rows out of the parameters', () => {
    const rows = [
      { name: 'n', type: 'integer' as const, text: '3' },
      { name: 'n', type: 'string' as const, text: 'x' },
      { name: '2x', type: 'string' as const, text: 'y' },
      { name: '', type: 'string' as const, text: 'z' },
      { name: 'ok', type: 'number' as const, text: 'zz' },
    ];
    expect([...validateRows(rows).entries()]).toEqual([
      [1, { kind: 'name-duplicate' }],
      [2, { kind: 'name-invalid' }],
      [3, { kind: 'name-empty' }],
      [4, { kind: 'value', expected: 'number' }],
    ]);
    expect(rowsToParameters(rows)).toEqual({ n: 3 });
  });

  it('round-trips stored parameters through rows', () => {
    const stored = { date: '2026-11-28', n: 3, lr: 0.5, on: true, cols: ['a'], none: null };
    expect(rowsToParameters(rowsFromParameters(stored))).toEqual(stored);
  });

  it('keeps the value when the type changes, if it fits', () => {
    expect(convertRow({ name: 'n', type: 'integer', text: '3' }, 'string')).toEqual({
      name: 'n',
      type: 'string',
      text: '3',
    });
    expect(convertRow({ name: 'n', type: 'string', text: '3' }, 'integer').text).toBe('3');
    expect(convertRow({ name: 's', type: 'string', text: 'abc' }, 'json').text).toBe('"abc"');
    expect(convertRow({ name: 'b', type: 'boolean', text: 'true' }, 'json').text).toBe('true');
  });
});
