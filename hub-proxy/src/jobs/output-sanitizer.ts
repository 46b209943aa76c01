import { InvalidInput, TooLarge } from '../errors/index.js';
import { formatBytes } from '../artifacts/index.js';

/**
 * Makes a run's outputs inert for whoever views them. A runner holds a run
 * token, and so does the user code it executes: whatever it uploads is
 * the job owner's content, while the viewer may be someone else (an admin).
 *
 * - An `output.ipynb` loses every `trusted` and `signature` mark. Saved
 *   through the Jupyter contents API with all code cells marked trusted,
 *   a notebook is signed by jupyter_server, and JupyterLab then runs its
 *   HTML and JavaScript outputs on the viewer's own origin.
 * - An `output.html` loses its `http-equiv` attributes (a
 *   `<meta http-equiv=refresh>` navigates without scripts) and any UTF-16
 *   byte order mark (it would override the declared UTF-8, hiding the
 *   attribute from a byte-level scan). Scripts are the CSP's job.
 */

/**
 * Reads an executed notebook (at most `maxBytes`) and answers it as
 * compact JSON without trust marks. Throws {@link InvalidInput} (on
 * `body`) for anything but a JSON object, {@link TooLarge} past the limit.
 */
export async function untrustedNotebook(
  body: AsyncIterable<Uint8Array> | Uint8Array,
  maxBytes: number,
): Promise<Buffer> {
  const bytes = await readAtMost(body, maxBytes);
  let notebook: unknown;
  try {
    notebook = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw notANotebook('is not valid JSON');
  }
  if (!isObject(notebook)) throw notANotebook('is JSON but not an object');
  stripTrustMarks(notebook);
  return Buffer.from(JSON.stringify(notebook));
}

/** Removes the trust marks of the notebook and of every cell, nbformat 4 and 3 (`worksheets`), in place. */
function stripTrustMarks(notebook: Record<string, unknown>): void {
  withoutMarks(notebook.metadata);
  const cellLists = [notebook.cells];
  if (Array.isArray(notebook.worksheets)) {
    for (const sheet of notebook.worksheets) if (isObject(sheet)) cellLists.push(sheet.cells);
  }
  for (const cells of cellLists) {
    if (!Array.isArray(cells)) continue;
    for (const cell of cells) if (isObject(cell)) withoutMarks(cell.metadata);
  }
}

/** Drops the marks JupyterLab and jupyter_server read as "trusted", on a notebook or a cell. */
function withoutMarks(metadata: unknown): void {
  if (!isObject(metadata)) return;
  delete metadata.trusted;
  delete metadata.signature;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notANotebook(why: string): InvalidInput {
  return new InvalidInput(
    [{ field: 'body', message: `must be an nbformat notebook (a JSON object); it ${why}` }],
    `output.ipynb must be a notebook as JSON; this one ${why}.`,
  );
}

/** The whole body, refusing it as soon as it passes `maxBytes`. */
async function readAtMost(body: AsyncIterable<Uint8Array> | Uint8Array, maxBytes: number): Promise<Buffer> {
  const parts = body instanceof Uint8Array ? [body] : body;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of parts) {
    total += chunk.length;
    if (total > maxBytes) throw new TooLarge(`The notebook is over the ${formatBytes(maxBytes)} limit.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The attribute that makes a `<meta>` act like a response header (`refresh` navigates). */
const HTTP_EQUIV = /http-equiv/gi;
const HTTP_EQUIV_LENGTH = 'http-equiv'.length;
const HYPHEN_OFFSET = 'http'.length;
const UNDERSCORE = 0x5f;
const SPACE = 0x20;

/**
 * The HTML with every `http-equiv` (any case) turned into `http_equiv`, an
 * attribute browsers ignore, and a leading UTF-16 byte order mark blanked.
 * Attribute names are never entity-decoded, so no spelling escapes the
 * scan; the text may change where it mentions the word. Same length out as
 * in (Content-Length holds), streamed with a few bytes held back so a name
 * split across chunks is still found.
 */
export async function* inertHtml(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let held: Buffer = Buffer.alloc(0);
  let atStart = true;
  for await (const chunk of body) {
    // concat copies, so the edits below never touch the source's buffers.
    const buffer = Buffer.concat([held, chunk]);
    if (atStart) {
      if (buffer.length < 2) {
        held = buffer;
        continue;
      }
      blankUtf16Bom(buffer);
      atStart = false;
    }
    neutraliseHttpEquiv(buffer);
    // A match may still begin in the last bytes and end in the next chunk.
    const keep = Math.min(HTTP_EQUIV_LENGTH - 1, buffer.length);
    held = Buffer.from(buffer.subarray(buffer.length - keep));
    if (buffer.length > keep) yield buffer.subarray(0, buffer.length - keep);
  }
  if (atStart) blankUtf16Bom(held);
  if (held.length > 0) yield held;
}

function neutraliseHttpEquiv(buffer: Buffer): void {
  // latin1 maps each byte to one character, so string indices are byte offsets.
  for (const match of buffer.toString('latin1').matchAll(HTTP_EQUIV)) {
    buffer[match.index + HYPHEN_OFFSET] = UNDERSCORE;
  }
}

function blankUtf16Bom(buffer: Buffer): void {
  const [first, second] = buffer;
  if ((first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff)) {
    buffer[0] = SPACE;
    buffer[1] = SPACE;
  }
}
