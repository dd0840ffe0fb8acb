// A scripted stand-in for the Anthropic Messages API, for running the real Claude Code client offline.
// It listens on 127.0.0.1 (port 0) and answers each main-loop request (one that offers tools) with the
// next step of a script: tool calls (several in one step make a parallel batch), or text that ends the
// turn. Everything else the client asks (a title, a summary, token counts) gets a short harmless answer.
// Every request is recorded, so a test can read exactly what the model was told: tool results, hook
// feedback, Stop-hook reasons, the system prompt. Not a test file itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { estimateTokens, json, LoopbackServer, readRequest } from './stand-in-server.ts';

// ---------------------------------------------------------------------------------------------------
// The script

export interface ToolCall {
  /** The tool_use id; default `toolu_s<step>_<n>`. */
  id?: string;
  name: string;
  input: Record<string, unknown>;
}

/**
 * Something the test does while the model "thinks": run when the request this step answers arrives,
 * before the answer is sent. Every hook of the previous step has finished by then, so this is the
 * deterministic place for a human's edit between two steps (a runbook changed mid-session).
 */
export type BeforeStep = (req: RecordedRequest) => void | Promise<void>;

export type Step = ({ kind: 'tools'; calls: ToolCall[]; text?: string } | { kind: 'text'; text: string }) & {
  before?: BeforeStep;
};

/** One step of tool calls: one call is a single call, several are a parallel batch. */
export const tools = (...calls: ToolCall[]): Step => ({ kind: 'tools', calls });
/** Text with `stop_reason: end_turn`: the model says it is done (the Stop hook fires). */
export const say = (text: string): Step => ({ kind: 'text', text });
export const endTurn = (text = 'Done.'): Step => say(text);
/** `step`, with `fn` run when its request arrives (before it is answered). */
export const before = (fn: BeforeStep, step: Step): Step => ({ ...step, before: fn });
/** A call of the Agent tool (a subagent), in the foreground unless `background` is true. */
export const agent = (
  prompt: string,
  id?: string,
  extra: { subagent_type?: string; description?: string; background?: boolean } = {},
): ToolCall => ({
  name: 'Agent',
  input: {
    description: extra.description ?? 'scripted subagent',
    prompt,
    subagent_type: extra.subagent_type ?? 'general-purpose',
    run_in_background: extra.background ?? false,
  },
  ...(id === undefined ? {} : { id }),
});

export const bash = (command: string, id?: string, extra: Record<string, unknown> = {}): ToolCall => ({
  name: 'Bash',
  input: { command, description: 'scripted step', ...extra },
  ...(id === undefined ? {} : { id }),
});
export const write = (filePath: string, content: string, id?: string): ToolCall => ({
  name: 'Write',
  input: { file_path: filePath, content },
  ...(id === undefined ? {} : { id }),
});
export const edit = (filePath: string, oldString: string, newString: string, id?: string): ToolCall => ({
  name: 'Edit',
  input: { file_path: filePath, old_string: oldString, new_string: newString },
  ...(id === undefined ? {} : { id }),
});
export const read = (filePath: string, id?: string): ToolCall => ({
  name: 'Read',
  input: { file_path: filePath },
  ...(id === undefined ? {} : { id }),
});

// ---------------------------------------------------------------------------------------------------
// What was recorded

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** A main-loop request: it offered tools and got a scripted step (the main agent's or a subagent's). */
  mainLoop: boolean;
  /**
   * The subagent that sent it (Claude Code 2.1.332 sends `x-claude-code-agent-id` on a subagent's requests,
   * and `cc_is_subagent=true` in its system prompt's billing line); undefined for the main agent.
   */
  agentId?: string;
  /**
   * Index into the script of the step it was answered with (main-loop only; for a subagent's request,
   * into the subagent script when there is one); -1 when the script ran out.
   */
  step?: number;
  /** How it was answered: 'step', 'overrun', 'side', 'count_tokens', 'unknown'. */
  answer: string;
  /** The message it was answered with: its id and the usage the stand-in reported (Messages requests). */
  served?: { id: string; usage: { input_tokens: number; output_tokens: number } };
  at: number;
}

export interface ContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

export interface Message {
  /** 'system' turns appear mid-conversation (Claude Code 2.1.332 sends its environment block that way). */
  role: 'user' | 'assistant' | 'system';
  content: string | ContentBlock[];
}

export interface MessagesBody {
  model?: string;
  max_tokens?: number;
  stream?: boolean;
  system?: string | ContentBlock[];
  messages?: Message[];
  tools?: { name: string }[];
}

export interface ToolResult {
  tool_use_id: string;
  is_error: boolean;
  /** The result's text (text blocks joined). */
  text: string;
}

/** What a request told the model since its last assistant message (user and system turns). */
export interface Told {
  request: RecordedRequest;
  toolResults: ToolResult[];
  /** Text blocks and string contents of the user messages after the last assistant message. */
  texts: string[];
  /** Everything above as one string, for `toContain`. */
  all: string;
}

export function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined ? '' : JSON.stringify(content);
  return content
    .map((b: ContentBlock) =>
      b.type === 'text' ? (b.text ?? '') : b.type === 'tool_result' ? blockText(b.content) : '',
    )
    .filter((t) => t !== '')
    .join('\n');
}

export function systemText(req: RecordedRequest): string {
  const body = req.body as MessagesBody;
  return blockText(body.system);
}

/** The tool results and texts a request carries after its last assistant message. */
export function toldIn(req: RecordedRequest): Told {
  const messages = (req.body as MessagesBody).messages ?? [];
  let start = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'assistant') {
      start = i + 1;
      break;
    }
  }
  const toolResults: ToolResult[] = [];
  const texts: string[] = [];
  for (const m of messages.slice(start)) {
    if (m.role === 'assistant') continue;
    if (typeof m.content === 'string') {
      texts.push(m.content);
      continue;
    }
    for (const b of m.content) {
      if (b.type === 'tool_result') {
        toolResults.push({
          tool_use_id: b.tool_use_id ?? '',
          is_error: b.is_error === true,
          text: blockText(b.content),
        });
      } else if (b.type === 'text' && b.text !== undefined) texts.push(b.text);
    }
  }
  const all = [...toolResults.map((r) => r.text), ...texts].join('\n');
  return { request: req, toolResults, texts, all };
}

// ---------------------------------------------------------------------------------------------------
// The server

export interface StandInOptions {
  /** Text for requests that are not main-loop (title generation and the like). */
  sideText?: string;
  /** What to answer once the script has run out: end the turn with this text. */
  overrunText?: string;
  /** Log unknown endpoints to stderr. Default true. */
  logUnknown?: boolean;
  /**
   * The subagents' script: their main-loop requests (told apart by `x-claude-code-agent-id`) are answered
   * from it, in order, whichever subagent asks. Without it they take the next step of the main script.
   */
  subagentScript?: Step[];
}

/** The subagent a request came from, when it came from one. */
export function agentIdOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const v = headers['x-claude-code-agent-id'];
  const id = Array.isArray(v) ? v[0] : v;
  return id === undefined || id === '' ? undefined : id;
}

export class StandIn {
  readonly requests: RecordedRequest[] = [];
  private server!: LoopbackServer;
  private next = 0;
  private nextSub = 0;
  private seq = 0;
  private msgSeq = 0;

  private constructor(
    readonly script: Step[],
    private readonly opts: StandInOptions,
  ) {}

  static async start(script: Step[], opts: StandInOptions = {}): Promise<StandIn> {
    const s = new StandIn(script, opts);
    s.server = await LoopbackServer.start(
      (req, res) => s.handle(req, res),
      (err) => ({ type: 'error', error: { type: 'api_error', message: String(err) } }),
    );
    return s;
  }

  /** Connections the client tried to make elsewhere through us as a proxy (CONNECT host:port). */
  get escapes(): string[] {
    return this.server.escapes;
  }

  get port(): number {
    return this.server.port;
  }

  get url(): string {
    return this.server.url;
  }

  /** Steps answered so far (main-loop requests that got a scripted step). */
  get stepsServed(): number {
    return this.next;
  }

  /** Subagent steps answered so far from the subagent script. */
  get subagentStepsServed(): number {
    return this.nextSub;
  }

  /** The main agent's main-loop requests, in order (a subagent's are in agentRequests()). */
  mainRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.mainLoop && r.agentId === undefined);
  }

  /** Subagents' main-loop requests, in order; of one subagent when `agentId` is given. */
  agentRequests(agentId?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.mainLoop && r.agentId !== undefined && (agentId === undefined || r.agentId === agentId),
    );
  }

  /** Requests to endpoints the stand-in does not know. */
  unknown(): RecordedRequest[] {
    return this.requests.filter((r) => r.answer === 'unknown');
  }

  /** The first main-loop request (it carries the system prompt, SessionStart context and the user prompt). */
  first(): RecordedRequest {
    const r = this.mainRequests()[0];
    if (!r) throw new Error('no main-loop request was made');
    return r;
  }

  /**
   * What the model was told after step `n` (0-based) was answered: the tool results and texts in the
   * main-loop request that came next. Throws when there was none.
   */
  toldAfter(n: number): Told {
    const main = this.mainRequests();
    const i = main.findIndex((r) => r.step === n);
    const after = i < 0 ? undefined : main[i + 1];
    if (!after) {
      throw new Error(
        `no main-loop request after step ${n} (${main.length} main-loop requests, steps ${main.map((r) => r.step).join(',')})`,
      );
    }
    return toldIn(after);
  }

  /** The tool_result for a tool_use id, from whichever request first carried it. */
  resultFor(toolUseId: string): ToolResult | undefined {
    for (const r of this.mainRequests()) {
      const hit = toldIn(r).toolResults.find((t) => t.tool_use_id === toolUseId);
      if (hit) return hit;
    }
    return undefined;
  }

  /** A summary of every request, for failure messages. */
  describe(): string {
    return this.requests
      .map((r) => {
        const b = r.body as MessagesBody;
        const tail = r.mainLoop ? ` step=${r.step}${r.agentId ? ` agent=${r.agentId}` : ''}` : '';
        return `#${r.seq} ${r.method} ${r.url} ${r.answer}${tail} model=${b?.model ?? '-'} max_tokens=${b?.max_tokens ?? '-'} tools=${b?.tools?.length ?? 0} stream=${b?.stream ?? '-'}`;
      })
      .join('\n');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { method, url, path, raw, body } = await readRequest(req);
    const rec: RecordedRequest = {
      seq: ++this.seq,
      method,
      url,
      headers: { ...req.headers },
      body,
      mainLoop: false,
      answer: 'unknown',
      at: Date.now(),
    };
    this.requests.push(rec);

    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      rec.answer = 'count_tokens';
      return json(res, 200, { input_tokens: estimateTokens(raw) });
    }
    if (req.method === 'POST' && path === '/v1/messages') {
      const b = (body ?? {}) as MessagesBody;
      if (isMainLoop(b)) {
        rec.mainLoop = true;
        const agentId = agentIdOf(req.headers);
        if (agentId !== undefined) rec.agentId = agentId;
        const sub = agentId !== undefined && this.opts.subagentScript !== undefined;
        const n = sub ? this.nextSub : this.next;
        const step = sub ? this.opts.subagentScript![n] : this.script[n];
        if (step) {
          if (sub) this.nextSub++;
          else this.next++;
          rec.step = n;
          rec.answer = 'step';
          if (step.before) await step.before(rec);
          return this.answer(res, b, step, n, sub ? 'a' : 's', rec);
        }
        rec.step = -1;
        rec.answer = 'overrun';
        return this.answer(res, b, say(this.opts.overrunText ?? 'Nothing more to do.'), -1, 's', rec);
      }
      rec.answer = 'side';
      return this.answer(res, b, say(this.opts.sideText ?? 'OK'), -1, 's', rec);
    }
    if (this.opts.logUnknown !== false)
      process.stderr.write(`[stand-in] unknown endpoint ${req.method} ${url}\n`);
    return json(res, 404, {
      type: 'error',
      error: { type: 'not_found_error', message: `stand-in: no ${req.method} ${path}` },
    });
  }

  private answer(
    res: ServerResponse,
    b: MessagesBody,
    step: Step,
    n: number,
    prefix: string,
    rec: RecordedRequest,
  ): void {
    const model = b.model ?? 'claude-stand-in';
    const id = `msg_standin_${++this.msgSeq}`;
    const content: ContentBlock[] = [];
    if (step.kind === 'text') content.push({ type: 'text', text: step.text });
    else {
      if (step.text) content.push({ type: 'text', text: step.text });
      step.calls.forEach((c, i) => {
        content.push({
          type: 'tool_use',
          id: c.id ?? `toolu_${prefix}${n}_${i}`,
          name: c.name,
          input: c.input,
        });
      });
    }
    const stopReason = step.kind === 'tools' ? 'tool_use' : 'end_turn';
    const inputTokens = estimateTokens(JSON.stringify(b.messages ?? []));
    const outputTokens = Math.max(1, estimateTokens(JSON.stringify(content)));
    const usage = {
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    };
    rec.served = { id, usage: { input_tokens: inputTokens, output_tokens: outputTokens } };
    if (b.stream !== true) {
      return json(res, 200, {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      });
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': `req_standin_${this.msgSeq}`,
    });
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    });
    content.forEach((block, index) => {
      if (block.type === 'text') {
        send('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '' },
        });
        send('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: block.text },
        });
      } else {
        send('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        });
        // Two deltas, as the API sends partial JSON in pieces.
        const j = JSON.stringify(block.input);
        const cut = Math.floor(j.length / 2);
        for (const part of [j.slice(0, cut), j.slice(cut)]) {
          send('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: part },
          });
        }
      }
      send('content_block_stop', { type: 'content_block_stop', index });
    });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: outputTokens },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }
}

/** A main-loop request offers tools and leaves room for real work (side queries use a small max_tokens). */
export function isMainLoop(b: MessagesBody): boolean {
  return Array.isArray(b.tools) && b.tools.length > 0 && (b.max_tokens ?? 0) > 1024;
}
