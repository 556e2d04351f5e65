// A request body as pipeline input, by Content-Type: NDJSON, a JSON array (or one object), or plain text lines.
import { InvalidArgumentError } from '../errors.ts';

export type ParsedInput = { kind: 'records'; records: Record<string, unknown>[] } | { kind: 'lines'; lines: string[] };

const dec = new TextDecoder();

/** Splits text into lines, dropping a final empty line and CRs (CRLF files). */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
  return lines;
}

export function parseInput(body: Uint8Array | string, contentType: string | undefined): ParsedInput {
  const text = typeof body === 'string' ? body : dec.decode(body);
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'text/plain' || ct === '' && !/^\s*[[{]/.test(text)) return { kind: 'lines', lines: splitLines(text).filter((l) => l !== '') };
  if (ct === 'application/x-ndjson' || ct === 'application/ndjson' || ct === 'application/jsonlines' || ct === 'application/jsonl') return { kind: 'records', records: ndjson(text) };
  if (ct === 'application/json' || ct === '') {
    const t = text.trimStart();
    if (t.startsWith('[')) {
      let v: unknown;
      try { v = JSON.parse(text); } catch (e) { throw new InvalidArgumentError(`invalid JSON body: ${(e as Error).message}`); }
      const arr = v as unknown[];
      for (let i = 0; i < arr.length; i++) if (arr[i] === null || typeof arr[i] !== 'object' || Array.isArray(arr[i])) throw new InvalidArgumentError(`element ${i} of the JSON array is not an object`, { row: i });
      return { kind: 'records', records: arr as Record<string, unknown>[] };
    }
    // One object, or several (NDJSON sent as application/json, as shippers do).
    return { kind: 'records', records: ndjson(text) };
  }
  throw new InvalidArgumentError(`unsupported Content-Type '${ct}': use application/x-ndjson, application/json or text/plain`);
}

function ndjson(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '') continue;
    let v: unknown;
    try { v = JSON.parse(l); } catch (e) { throw new InvalidArgumentError(`invalid JSON on line ${i + 1}: ${(e as Error).message}`, { line: i + 1 }); }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InvalidArgumentError(`line ${i + 1} is not a JSON object`, { line: i + 1 });
    out.push(v as Record<string, unknown>);
  }
  return out;
}
