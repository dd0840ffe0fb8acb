// ANSI styling for terminal output, and the cleaning of text that came from an agent.
//
// A dozen SGR codes do not need a dependency: picocolors and chalk decide colour from process.stdout
// and the environment themselves, and node:util styleText needs Node 20.12 and also looks at
// process.stdout; here the decision is the Io's (terminal.ts), made once and passed in.

export type Style = (text: string) => string;

export interface Paint {
  enabled: boolean;
  bold: Style;
  dim: Style;
  italic: Style;
  underline: Style;
  red: Style;
  green: Style;
  yellow: Style;
  blue: Style;
  magenta: Style;
  cyan: Style;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  underline: [4, 24],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;

const plain: Style = (t) => t;

export function paint(enabled: boolean): Paint {
  const p = { enabled } as Paint;
  for (const [name, [open, close]] of Object.entries(CODES)) {
    const openSeq = `\x1b[${open}m`;
    const closeSeq = `\x1b[${close}m`;
    // bold and dim share their close code: re-open the outer style after an inner close.
    p[name as keyof typeof CODES] = enabled
      ? (t) => (t === '' ? t : `${openSeq}${t.split(closeSeq).join(closeSeq + openSeq)}${closeSeq}`)
      : plain;
  }
  return p;
}

// Only the SGR sequences this module writes; anything else with an ESC never reaches the output
// (clean() turns it into a visible character first).
const SGR = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(SGR, '');
}

/** Columns the text takes: code points, styling left out. East Asian wide characters count as one. */
export function visibleWidth(text: string): number {
  let n = 0;
  for (const _ of stripAnsi(text)) n++;
  return n;
}

// C0 controls but tab and newline, DEL, and the C1 range (0x9b is a one-byte CSI on some terminals).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from the ledger, a transcript or git is data: an escape sequence in a command or a title must
 * not restyle, retitle or clear the reader's terminal. Controls become visible stand-ins (ESC as ␛,
 * other C0 as their control pictures, DEL and C1 as �). Tabs become a space; newlines stay unless
 * `oneLine` folds them to spaces (table cells).
 */
export function clean(text: string, oneLine = false): string {
  const out = text.replace(/\r\n/g, '\n').replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : '\ufffd';
  });
  const spaced = out.replace(/\t/g, ' ');
  return oneLine ? spaced.replace(/\n/g, ' ') : spaced;
}

/** Cut to `width` columns with an ellipsis. Styling is dropped: cut the text, then style it. */
export function truncate(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  const flat = [...stripAnsi(text)];
  return `${flat.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Pad to `width` columns, counting what is visible only. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}
