// The request body as bytes, read up to a limit. Signatures are over the exact bytes sent, so nothing may
// parse or re-encode the body before it is verified; and a body is never buffered past the limit, whatever
// Content-Length claims (a missing or lying header included).

/** Webhook bodies larger than this are refused (PagerDuty guarantees delivery up to 55 KB). */
export const MAX_WEBHOOK_BODY = 64 * 1024;

export type RawBody = { ok: true; bytes: Uint8Array } | { ok: false; status: 413 | 400; why: string };

export async function readRawBody(req: Request, max = MAX_WEBHOOK_BODY): Promise<RawBody> {
  const declared = req.headers.get('content-length');
  if (declared !== null) {
    const d = declared.trim();
    if (!/^\d{1,15}$/.test(d)) return { ok: false, status: 400, why: 'malformed Content-Length' };
    if (Number(d) > max) return { ok: false, status: 413, why: `body over ${max} bytes` };
  }
  if (!req.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        return { ok: false, status: 413, why: `body over ${max} bytes` };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, status: 400, why: 'the body could not be read' };
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes };
}
