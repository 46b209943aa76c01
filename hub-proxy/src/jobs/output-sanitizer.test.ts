import { describe, expect, it } from 'vitest';
import { InvalidInput, TooLarge } from '../errors/index.js';
import { inertHtml, untrustedNotebook } from './output-sanitizer.js';

/** An executed notebook as a runner could upload it: trusted cells with scripts, and a signature. */
function trustedNotebook() {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3' }, signature: 'sha256:abc', trusted: true },
    cells: [
      {
        cell_type: 'code',
        metadata: { trusted: true, tags: ['x'], signature: 'x' },
        source: 'show()',
        execution_count: 1,
        outputs: [
          {
            output_type: 'display_data',
            metadata: { trusted: true },
            data: { 'text/html': '<script>window.__pwned=1</script>' },
          },
        ],
      },
      { cell_type: 'markdown', metadata: { trusted: true }, source: '# Title' },
      { cell_type: 'raw', source: 'no metadata at all' },
    ],
  };
}

async function* chunks(...parts: Array<string | Buffer>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function text(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

const LIMIT = 1 << 20;

describe('untrustedNotebook', () => {
  it('removes trusted and signature from the notebook and every cell, and keeps everything else', async () => {
    const out = JSON.parse(
      (await untrustedNotebook(chunks(JSON.stringify(trustedNotebook())), LIMIT)).toString(),
    );
    const expected = trustedNotebook();
    delete (expected.metadata as Partial<typeof expected.metadata>).signature;
    delete (expected.metadata as Partial<typeof expected.metadata>).trusted;
    const [code, markdown] = expected.cells;
    delete (code?.metadata as { trusted?: boolean }).trusted;
    delete (code?.metadata as { signature?: string }).signature;
    delete (markdown?.metadata as { trusted?: boolean }).trusted;
    expect(out).toEqual(expected);
    // An output's own metadata is not a trust mark JupyterLab reads; the HTML stays, to be rendered untrusted.
    expect(out.cells[0].outputs[0]).toEqual(trustedNotebook().cells[0]?.outputs?.[0]);
  });

  it('removes marks spelled with escapes or given twice, as any JSON parser reads them', async () => {
    const raw =
      '{"nbformat":4,"metadata":{"sign\\u0061ture":"s"},"cells":[' +
      '{"cell_type":"code","metadata":{"trusted":false,"tru\\u0073ted":true},"outputs":[],"source":""}]}';
    const out = JSON.parse((await untrustedNotebook(chunks(raw), LIMIT)).toString());
    expect(out.metadata).toEqual({});
    expect(out.cells[0].metadata).toEqual({});
  });

  it('removes the marks of nbformat 3 worksheets too', async () => {
    const v3 = {
      nbformat: 3,
      metadata: { signature: 'sha256:abc' },
      worksheets: [{ cells: [{ cell_type: 'code', metadata: { trusted: true }, outputs: [] }] }],
    };
    const out = JSON.parse((await untrustedNotebook(chunks(JSON.stringify(v3)), LIMIT)).toString());
    expect(out).toEqual({
      nbformat: 3,
      metadata: {},
      worksheets: [{ cells: [{ cell_type: 'code', metadata: {}, outputs: [] }] }],
    });
  });

  it('reads a notebook split anywhere across chunks, multi-byte characters included', async () => {
    const raw = Buffer.from(JSON.stringify({ ...trustedNotebook(), note: 'é 中文 🚀' }));
    const parts = [raw.subarray(0, 7), raw.subarray(7, 100), raw.subarray(100)];
    const out = JSON.parse((await untrustedNotebook(chunks(...parts), LIMIT)).toString());
    expect(out.note).toBe('é 中文 🚀');
    expect(out.metadata.trusted).toBeUndefined();
  });

  it.each([
    ['not JSON', '<html>not a notebook</html>'],
    ['cut short', JSON.stringify(trustedNotebook()).slice(0, 40)],
    ['a JSON array', '[]'],
    ['a JSON string', '"notebook"'],
    ['JSON null', 'null'],
    ['empty', ''],
  ])('refuses a body that is %s as invalid input naming the body', async (_what, raw) => {
    const err = await untrustedNotebook(chunks(raw), LIMIT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as InvalidInput).errors).toEqual([{ field: 'body', message: expect.any(String) }]);
  });

  it('refuses a body over the limit as too large, without reading the rest', async () => {
    let read = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        read += 1024;
        yield Buffer.alloc(1024, 0x20);
      }
    }
    await expect(untrustedNotebook(endless(), 10 * 1024)).rejects.toBeInstanceOf(TooLarge);
    expect(read).toBeLessThanOrEqual(11 * 1024);
  });
});

describe('inertHtml', () => {
  const refreshes = [
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<meta http-equiv='Refresh' content='0; URL=https://evil.example/'>",
    '<META HTTP-EQUIV=REFRESH CONTENT=0;url=https://evil.example/>',
    '<meta\thttp-equiv\n=\n"refresh"\ncontent="0;url=https://evil.example/"/>',
    '<meta/http-equiv=refresh content=0;url=https://evil.example/>',
    '<meta content="0;url=https://evil.example/" Http-Equiv = "&#114;efresh">',
    '<meta content=">" http-equiv="refresh" content="0;url=https://evil.example/">',
  ];

  it.each(refreshes)('leaves no http-equiv attribute in %s, at the same length', async (tag) => {
    const page = `<!doctype html><html><head>${tag}</head><body><p>report</p></body></html>`;
    const out = (await text(inertHtml(chunks(page)))).toString('latin1');
    expect(out).not.toMatch(/http-equiv/i);
    expect(out).toHaveLength(page.length);
    expect(out).toContain('<p>report</p>');
  });

  it('neutralises the attribute when it is split across chunks at any point', async () => {
    const page =
      '<html><head><meta http-equiv="refresh" content="0;url=https://evil.example/"></head></html>';
    for (let cut = 0; cut <= page.length; cut++) {
      for (const second of [cut, Math.min(page.length, cut + 3)]) {
        const out = await text(
          inertHtml(chunks(page.slice(0, cut), page.slice(cut, second), page.slice(second))),
        );
        expect(out.toString('latin1'), `cut at ${cut}/${second}`).not.toMatch(/http-equiv/i);
        expect(out).toHaveLength(page.length);
      }
    }
  });

  it('passes HTML without the attribute through byte for byte, multi-byte characters included', async () => {
    const page = Buffer.from(
      '<html><body><h1>Résumé 中文 🚀</h1><img src="data:image/png;base64,AA=="></body></html>',
    );
    const parts = [page.subarray(0, 1), page.subarray(1, 20), page.subarray(20, 21), page.subarray(21)];
    expect((await text(inertHtml(chunks(...parts)))).equals(page)).toBe(true);
  });

  it('blanks a UTF-16 byte order mark, which would override the declared UTF-8', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<meta http-equiv=refresh>', 'utf16le'),
    ]);
    const out = await text(inertHtml(chunks(utf16.subarray(0, 1), utf16.subarray(1))));
    expect([...out.subarray(0, 2)]).toEqual([0x20, 0x20]);
    expect(out).toHaveLength(utf16.length);
    const be = await text(inertHtml(chunks(Buffer.from([0xfe, 0xff, 0x00, 0x3c]))));
    expect([...be]).toEqual([0x20, 0x20, 0x00, 0x3c]);
  });

  it('keeps an empty body empty', async () => {
    expect(await text(inertHtml(chunks()))).toHaveLength(0);
  });
});
