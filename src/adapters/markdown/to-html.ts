// Markdown (with GitHub's tables) to HTML for the dashboard's postmortem view. The postmortem quotes what
// the agent ran and wrote, so the HTML must carry nothing active: raw HTML in the Markdown is dropped
// (mdast-util-to-hast's default), and links and images keep only http(s), mailto and in-page targets.
import type { Element, Root as HastRoot, Nodes } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toHast } from 'mdast-util-to-hast';
import { gfm } from 'micromark-extension-gfm';

const SAFE_URL = /^(https?:|mailto:|#)/i;

function scrub(node: Nodes): void {
  if (node.type === 'element') {
    const el = node as Element;
    for (const attr of ['href', 'src'] as const) {
      const v = el.properties[attr];
      if (v !== undefined && !(typeof v === 'string' && SAFE_URL.test(v.trim()))) delete el.properties[attr];
    }
    if (el.tagName === 'a') el.properties.rel = ['noopener', 'noreferrer', 'nofollow'];
  }
  if ('children' in node) for (const c of node.children) scrub(c as Nodes);
}

export function markdownToSafeHtml(markdown: string): string {
  const mdast = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const hast = toHast(mdast) as HastRoot;
  scrub(hast);
  return toHtml(hast);
}
