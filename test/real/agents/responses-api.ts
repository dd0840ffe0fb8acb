// OpenAI's Responses API (`POST /v1/responses`, streamed as server-sent events), the shape Codex CLI
// speaks with `wire_api = "responses"`. A step's calls become `function_call` output items; the client
// sends each call's result back as a `function_call_output` input item with the same `call_id`. Usage
// is in `response.completed`, which Codex copies into its rollout file as `token_count` events.
import type { ServerResponse } from 'node:http';
import { json } from '../stand-in-server.ts';
import { type Answer, type ApiShape, type Call, sse, type ToolOutput } from './stand-in.ts';

interface InputItem {
  type?: string;
  role?: string;
  call_id?: string;
  name?: string;
  output?: unknown;
  content?: unknown;
}

interface ResponsesBody {
  model?: string;
  input?: InputItem[];
  tools?: unknown[];
  stream?: boolean;
}

/** Items the model produced: what comes after the last of them is what it is told next. */
const MODEL_ITEMS = new Set(['function_call', 'custom_tool_call', 'local_shell_call', 'reasoning']);
const isModelItem = (i: InputItem) =>
  MODEL_ITEMS.has(i.type ?? '') || (i.type === 'message' && i.role === 'assistant');

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((c: { text?: unknown }) => (typeof c?.text === 'string' ? c.text : ''))
      .filter((t) => t !== '')
      .join('\n');
  return content === undefined ? '' : JSON.stringify(content);
}

export const responsesApi: ApiShape = {
  name: 'responses',
  route(method, path, body) {
    if (method !== 'POST' || path !== '/v1/responses') return undefined;
    const b = (body ?? {}) as ResponsesBody;
    return Array.isArray(b.tools) && b.tools.length > 0 ? 'loop' : 'side';
  },
  defaultCallId: (n, i) => `call_s${n}_${i}`,
  told(body) {
    const input = ((body ?? {}) as ResponsesBody).input ?? [];
    let start = 0;
    for (let i = input.length - 1; i >= 0; i--)
      if (isModelItem(input[i]!)) {
        start = i + 1;
        break;
      }
    const outputs: ToolOutput[] = [];
    const texts: string[] = [];
    for (const item of input.slice(start)) {
      if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output')
        outputs.push({ callId: item.call_id ?? '', text: text(item.output) });
      else if (item.type === 'message' && item.role !== 'assistant') texts.push(text(item.content));
    }
    return { outputs, texts };
  },
  write(res: ServerResponse, { step, n, usage }: Answer, req) {
    const b = (req.body ?? {}) as ResponsesBody;
    const id = `resp_standin_${req.seq}`;
    const items: Record<string, unknown>[] =
      step.kind === 'text'
        ? [
            {
              type: 'message',
              id: `msg_${req.seq}`,
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text: step.text, annotations: [] }],
            },
          ]
        : step.calls.map((c: Call, i) => ({
            type: 'function_call',
            id: `fc_${req.seq}_${i}`,
            call_id: c.id ?? this.defaultCallId(n, i),
            name: c.name,
            arguments: JSON.stringify(c.args),
            status: 'completed',
          }));
    const completed = {
      id,
      object: 'response',
      status: 'completed',
      model: b.model ?? 'fake-model',
      output: items,
      usage: {
        input_tokens: usage.input,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: usage.output,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: usage.input + usage.output,
      },
    };
    if (b.stream === false) return json(res, 200, completed);
    const events: { event: string; data: Record<string, unknown> }[] = [];
    const ev = (type: string, data: Record<string, unknown>) =>
      events.push({ event: type, data: { type, ...data } });
    ev('response.created', { response: { id, object: 'response', status: 'in_progress', output: [] } });
    items.forEach((item, output_index) => {
      if (item.type === 'message') {
        ev('response.output_item.added', {
          output_index,
          item: { ...item, status: 'in_progress', content: [] },
        });
        ev('response.output_text.delta', {
          output_index,
          item_id: item.id,
          content_index: 0,
          delta: step.kind === 'text' ? step.text : '',
        });
      } else {
        ev('response.output_item.added', {
          output_index,
          item: { ...item, status: 'in_progress', arguments: '' },
        });
        // The arguments in two pieces, as the API streams them.
        const args = item.arguments as string;
        const cut = Math.floor(args.length / 2);
        for (const delta of [args.slice(0, cut), args.slice(cut)])
          ev('response.function_call_arguments.delta', { output_index, item_id: item.id, delta });
        ev('response.function_call_arguments.done', { output_index, item_id: item.id, arguments: args });
      }
      ev('response.output_item.done', { output_index, item });
    });
    ev('response.completed', { response: completed });
    sse(res, events);
  },
};

/** Codex's shell tool: `exec_command` with `cmd` (the hook sees tool_name "Bash", tool_input.command). */
export const execCommand = (cmd: string, id?: string): Call => ({
  name: 'exec_command',
  args: { cmd },
  ...(id === undefined ? {} : { id }),
});
