// The evidence pack's text (src/core/postmortem/render-evidence.ts) dressed for a terminal: section
// labels bold, failures red, severities in their colour. The text quotes what the agent ran, so it is
// cleaned of control characters first, whether or not there is colour.
import { severityStyle } from './status-style.ts';
import { clean, type Paint } from './style.ts';

// A section opens at column 0 with its label up to the first colon: "Verification:", "Incidents: none".
const SECTION = /^([A-Z][A-Za-z ]*(?:\([^)]*\))?):/;

export function styleEvidence(text: string, p: Paint): string {
  const safe = clean(text);
  if (!p.enabled) return safe;
  return safe
    .split('\n')
    .map((line) => {
      const section = SECTION.exec(line);
      let out = section ? `${p.bold(section[1]!)}${line.slice(section[1]!.length)}` : line;
      out = out.replace(/\bFAILED\b/g, (w) => p.bold(p.red(w)));
      out = out.replace(/\bSEV[1-4]\b/g, (w) => severityStyle(p, w)(w));
      // The verdict column of "Rules that asked or denied" and of the timeline.
      out = out.replace(
        /^( {2})(deny|ask )(?= )/,
        (_, sp: string, v: string) => `${sp}${v.trim() === 'deny' ? p.red(v) : p.yellow(v)}`,
      );
      return out;
    })
    .join('\n');
}
