// A scripted model server on 127.0.0.1 for running other agents' real clients offline (Codex CLI,
// Gemini CLI). The server, the script and the record are the same for every agent; what differs is the
// API's wire shape, which one module per shape supplies (responses-api.ts for OpenAI's Responses API,
// gemini-api.ts for Gemini's streamGenerateContent). Each request the client makes for its agent loop
// is answered with the next step of the script (tool calls, or text that ends the turn); everything is
// recorded, so a test reads exactly what the model was told: the tool outputs the client sent back after
// a hook denied a call, a Stop hook's reason, the prompt. Not a test file itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { estimateTokens, LoopbackServer, readRequest } from '../stand-in-server.ts';

// ---------------------------------------------------------------------------------------------------
// The script

/** One function call the model makes; `id` is the call id the client echoes back with its output. */
export interface Call {
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

/** Run when the request a step answers arrives, before the answer goes out (a human's edit between steps). */
export type BeforeStep = (req: RecordedRequest) => void | Promise<void>;

export type Step = ({ kind: 'tools'; calls: Call[] } | { kind: 'text'; text: string }) & {
  before?: BeforeStep;
  /** The usage reported with this answer (default: the request's and the answer's size in tokens). */
  usage?: Usage;
};

/** One step of calls (several make a parallel batch). */
export const tools = (...calls: Call[]): Step => ({ kind: 'tools', calls });
/** Text and the end of the model's turn: the client's Stop / AfterAgent hook fires. */
export const say = (text: string): Step => ({ kind: 'text', text });
/** `step`, with `fn` run when its request arrives. */
export const before = (fn: BeforeStep, step: Step): Step => ({ ...step, before: fn });
/** `step`, answered with this usage (a costly response, for the cost budget). */
export const costing = (usage: Usage, step: Step): Step => ({ ...step, usage });

// ---------------------------------------------------------------------------------------------------
// The record

/** Token counts the stand-in reported for one answer (what a transcript's usage should add up to). */
export interface Usage {
  input: number;
  output: number;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text. */
  body: unknown;
  /** 'step' (a scripted answer), 'overrun' (the script had run out), 'side' (not the agent loop), 'unknown'. */
  answer: 'step' | 'overrun' | 'side' | 'unknown';
  /** Index of the step it was answered with; -1 on an overrun. */
  step?: number;
  /** The usage reported with the answer. */
  usage?: Usage;
  at: number;
}

/** A tool's output as the client sent it back to the model. */
export interface ToolOutput {
  callId: string;
  name?: string;
  /** The output as text (a JSON response object is stringified). */
  text: string;
}

/** What a request told the model since its last turn: tool outputs and user texts. */
export interface Told {
  request: RecordedRequest;
  outputs: ToolOutput[];
  texts: string[];
  /** Everything above as one string, for `toContain`. */
  all: string;
}

// ---------------------------------------------------------------------------------------------------
// The wire shape

export interface Answer {
  step: Step;
  /** The step's index ('s<n>' in default call ids); -1 for an overrun or a side answer. */
  n: number;
  usage: Usage;
}

export interface ApiShape {
  readonly name: string;
  /** 'loop' for the agent's main loop (scripted), 'side' for a harmless short answer, undefined: unknown. */
  route(method: string, path: string, body: unknown): 'loop' | 'side' | undefined;
  /** Write the answer in the API's streamed (or plain) shape. */
  write(res: ServerResponse, answer: Answer, req: RecordedRequest): void;
  /** The tool outputs and user texts a request carries after the model's last turn. */
  told(body: unknown): { outputs: ToolOutput[]; texts: string[] };
  /** The call id a step's call gets when the script names none. */
  defaultCallId(n: number, i: number): string;
}

export interface StandInOptions {
  /** Text for side requests. */
  sideText?: string;
  /** Text once the script has run out. */
  overrunText?: string;
}

export class ModelStandIn {
  readonly requests: RecordedRequest[] = [];
  private server!: LoopbackServer;
  private next = 0;
  private seq = 0;

  private constructor(
    readonly shape: ApiShape,
    readonly script: Step[],
    private readonly opts: StandInOptions,
  ) {}

  static async start(shape: ApiShape, script: Step[], opts: StandInOptions = {}): Promise<ModelStandIn> {
    const s = new ModelStandIn(shape, script, opts);
    s.server = await LoopbackServer.start(
      (req, res) => s.handle(req, res),
      (err) => ({ error: { code: 500, message: `stand-in: ${String(err)}` } }),
    );
    return s;
  }

  get url(): string {
    return this.server.url;
  }

  /** Connections the client tried to open elsewhere through us as its proxy (CONNECT host:port). */
  get escapes(): string[] {
    return this.server.escapes;
  }

  /** Scripted steps answered so far. */
  get stepsServed(): number {
    return this.next;
  }

  /** The agent loop's requests (scripted and overrun), in order. */
  loopRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.answer === 'step' || r.answer === 'overrun');
  }

  unknown(): RecordedRequest[] {
    return this.requests.filter((r) => r.answer === 'unknown');
  }

  /** What the model was told in the loop request after the one step `n` answered. */
  toldAfter(n: number): Told {
    const loop = this.loopRequests();
    const i = loop.findIndex((r) => r.step === n);
    const after = i < 0 ? undefined : loop[i + 1];
    if (!after)
      throw new Error(
        `no loop request after step ${n} (steps answered: ${loop.map((r) => r.step).join(',') || 'none'})`,
      );
    return this.toldIn(after);
  }

  toldIn(request: RecordedRequest): Told {
    const { outputs, texts } = this.shape.told(request.body);
    return { request, outputs, texts, all: [...outputs.map((o) => o.text), ...texts].join('\n') };
  }

  /** The output the client sent back for a call id, from the first request that carried it. */
  outputFor(callId: string): ToolOutput | undefined {
    for (const r of this.loopRequests()) {
      const hit = this.shape.told(r.body).outputs.find((o) => o.callId === callId);
      if (hit) return hit;
    }
    return undefined;
  }

  /** The usage reported over every answer. */
  usageServed(): Usage {
    return this.requests.reduce(
      (a, r) => ({ input: a.input + (r.usage?.input ?? 0), output: a.output + (r.usage?.output ?? 0) }),
      { input: 0, output: 0 },
    );
  }

  /** One line per request, for failure messages. */
  describe(): string {
    return this.requests
      .map((r) => {
        const told = r.answer === 'step' || r.answer === 'overrun' ? this.toldIn(r).all.slice(0, 300) : '';
        return `#${r.seq} ${r.method} ${r.url} ${r.answer}${r.step === undefined ? '' : ` step=${r.step}`}${told ? ` told: ${JSON.stringify(told)}` : ''}`;
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
      answer: 'unknown',
      at: Date.now(),
    };
    this.requests.push(rec);
    const route = this.shape.route(method, path, body);
    if (route === undefined) {
      process.stderr.write(`[stand-in ${this.shape.name}] unknown endpoint ${method} ${url}\n`);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 404, message: `stand-in: no ${method} ${url}` } }));
      return;
    }
    let step: Step;
    let n = -1;
    if (route === 'side') {
      rec.answer = 'side';
      step = say(this.opts.sideText ?? 'OK');
    } else if (this.next < this.script.length) {
      n = this.next++;
      step = this.script[n]!;
      rec.answer = 'step';
      rec.step = n;
      if (step.before) await step.before(rec);
    } else {
      rec.answer = 'overrun';
      rec.step = -1;
      step = say(this.opts.overrunText ?? 'Nothing more to do.');
    }
    // Usage the transcript can be checked against: the request's size in, the answer's size out.
    const usage: Usage = step.usage ?? {
      input: Math.max(1, estimateTokens(raw)),
      output: Math.max(1, estimateTokens(JSON.stringify(step))),
    };
    rec.usage = usage;
    this.shape.write(res, { step, n, usage }, rec);
  }
}

/** Write `data:` events (with an `event:` line when `event` is given) and end the response. */
export function sse(res: ServerResponse, events: { event?: string; data: unknown }[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  for (const e of events)
    res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  res.end();
}
