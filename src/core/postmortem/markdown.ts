// Markdown pieces for generated documents. Text from the ledger (commands, notes, check output) is data:
// it must not break a table, open a code span early or mention someone on GitHub.

/** Inline code that survives backticks inside: the fence is one longer than the longest run. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Safe inside a table cell: no pipes, no newlines. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** `@org/team` in agent-written text must not notify anyone when the document lands on GitHub. */
export function noMention(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9])/g, '@\u200b');
}

export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Table rows only, for templates that keep their own header. */
export function tableRows(rows: ReadonlyArray<readonly string[]>): string {
  return rows.map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

export function bullets(items: readonly string[]): string {
  return items.map((i) => `- ${i}`).join('\n');
}

/** A fenced block whose fence cannot be closed by the content. */
export function fenced(text: string, lang = 'text'): string {
  const longest = Math.max(2, ...(text.match(/`{3,}/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\s+$/, '')}\n${fence}`;
}
