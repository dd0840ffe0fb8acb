// Gemini's `POST /v1beta/models/<model>:streamGenerateContent?alt=sse` (and the plain `:generateContent`
// and `:countTokens` the CLI uses on the side), the shape Gemini CLI speaks with GOOGLE_GEMINI_BASE_URL.
// A step's calls become `functionCall` parts; the client sends each result back as a `functionResponse`
// part with the same id, its `response` holding `output`, or `error` when a hook blocked the call. Usage
// is `usageMetadata`, which the CLI copies into its chat file as each message's `tokens`.
import type { ServerResponse } from 'node:http';
import { estimateTokens, json } from '../stand-in-server.ts';
import { type Answer, type ApiShape, type Call, sse, type ToolOutput } from './stand-in.ts';

interface Part {
  text?: string;
  functionCall?: { id?: string; name?: string; args?: unknown };
  functionResponse?: { id?: string; name?: string; response?: unknown };
}

interface Content {
  role?: string;
  parts?: Part[];
}

interface GeminiBody {
  contents?: Content[];
  tools?: { functionDeclarations?: unknown[] }[];
}

const MODEL_PATH =
  /^\/v1(?:beta|alpha)?\/models\/[^/:]+:(streamGenerateContent|generateContent|countTokens)$/;

/** A functionResponse's `response` as text: its `output` or `error` when it is a string, else JSON. */
function responseText(response: unknown): string {
  const r = (response ?? {}) as { output?: unknown; error?: unknown };
  if (typeof r.error === 'string') return r.error;
  if (typeof r.output === 'string') return r.output;
  return JSON.stringify(response ?? null);
}

export const geminiApi: ApiShape = {
  name: 'gemini',
  route(method, path, body) {
    const m = method === 'POST' ? MODEL_PATH.exec(path) : null;
    if (!m) return undefined;
    if (m[1] !== 'streamGenerateContent') return 'side';
    const b = (body ?? {}) as GeminiBody;
    const offered = (b.tools ?? []).some((t) => (t.functionDeclarations ?? []).length > 0);
    return offered ? 'loop' : 'side';
  },
  defaultCallId: (n, i) => `call_s${n}_${i}`,
  told(body) {
    const contents = ((body ?? {}) as GeminiBody).contents ?? [];
    let start = 0;
    for (let i = contents.length - 1; i >= 0; i--)
      if (contents[i]!.role === 'model') {
        start = i + 1;
        break;
      }
    const outputs: ToolOutput[] = [];
    const texts: string[] = [];
    for (const c of contents.slice(start))
      for (const p of c.parts ?? []) {
        if (p.functionResponse)
          outputs.push({
            callId: p.functionResponse.id ?? '',
            name: p.functionResponse.name ?? '',
            text: responseText(p.functionResponse.response),
          });
        else if (typeof p.text === 'string') texts.push(p.text);
      }
    return { outputs, texts };
  },
  write(res: ServerResponse, { step, n, usage }: Answer, req) {
    const path = req.url.split('?')[0] ?? '';
    if (path.endsWith(':countTokens'))
      return json(res, 200, { totalTokens: estimateTokens(JSON.stringify(req.body)) });
    const parts: Part[] =
      step.kind === 'text'
        ? [{ text: step.text }]
        : step.calls.map((c: Call, i) => ({
            functionCall: { id: c.id ?? this.defaultCallId(n, i), name: c.name, args: c.args },
          }));
    const chunk = {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: usage.input,
        candidatesTokenCount: usage.output,
        totalTokenCount: usage.input + usage.output,
      },
      modelVersion: 'gemini-2.5-flash',
      responseId: `standin-${req.seq}`,
    };
    if (path.endsWith(':generateContent')) return json(res, 200, chunk);
    sse(res, [{ data: chunk }]);
  },
};

/** Gemini CLI's shell tool (the hook sees tool_name "run_shell_command", tool_input.command). */
export const runShell = (command: string, id?: string): Call => ({
  name: 'run_shell_command',
  args: { command },
  ...(id === undefined ? {} : { id }),
});

/** Gemini CLI's file writer. */
export const writeFile = (filePath: string, content: string, id?: string): Call => ({
  name: 'write_file',
  args: { file_path: filePath, content },
  ...(id === undefined ? {} : { id }),
});
