/**
 * The small server-rendered HTML documents around the admin bundle (refusal,
 * landing, errors): static markup, no script or style, every interpolated
 * value escaped.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe inside an HTML element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Paragraphs are plain text (escaped here); `links` are `[href, label]` pairs. */
export interface HtmlPage {
  title: string;
  paragraphs: string[];
  links?: Array<[href: string, label: string]>;
}

/** A complete, self-contained HTML document. */
export function renderHtmlPage(page: HtmlPage): string {
  const paragraphs = page.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`);
  const links = (page.links ?? []).map(
    ([href, label]) => `<li><a href="${escapeHtml(href)}">${escapeHtml(label)}</a></li>`,
  );
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)} – Turing</title>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    ...paragraphs,
    ...(links.length > 0 ? ['<ul>', ...links, '</ul>'] : []),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
