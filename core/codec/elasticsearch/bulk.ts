// Elasticsearch `_bulk` request bodies: NDJSON pairs of an action/metadata line and (for index, create, update) a source
// line. The action lines are checked for the whole request first (a bad one fails it whole, as Elasticsearch does);
// a bad source is that item's error.
import { InvalidArgumentError } from '../../errors.ts';

export const BulkActions = { index: 'index', create: 'create', update: 'update', delete: 'delete' } as const;
export type BulkAction = (typeof BulkActions)[keyof typeof BulkActions];

/** An Elasticsearch error object: `{type, reason}`, as in every ES error body and bulk item. */
export interface EsError {
  type: string;
  reason: string;
}

/** A request Elasticsearch would refuse whole (HTTP 400 in its error shape), e.g. a malformed action line. */
export class BulkRequestError extends InvalidArgumentError {
  constructor(readonly esType: string, reason: string, line?: number) {
    super(reason, line !== undefined ? { line } : undefined);
  }
}

export interface BulkItem {
  action: BulkAction;
  /** `_index` of the action line, else the URL's index; never empty. */
  index: string;
  /** `_id` when given. */
  id: string | undefined;
  /** A per-action `pipeline` (an ingest pipeline name). */
  pipeline: string | undefined;
  /** The source document (index, create), null when the item already has an error or carries none. */
  doc: Record<string, unknown> | null;
  /** Why the item cannot be applied (a malformed source, an action log tables do not support). */
  error: EsError | null;
  /** 1-based line of the action in the body. */
  line: number;
}

/** Action metadata Elasticsearch accepts; the ones that do not apply to an append-only log table are accepted and ignored. */
const KNOWN_META = new Set([
  '_index', '_id', '_type', 'pipeline', 'routing', 'version', 'version_type', 'if_seq_no', 'if_primary_term',
  'require_alias', 'require_data_stream', 'dynamic_templates', 'retry_on_conflict', '_source', 'list_executed_pipelines', 'op_type',
]);

const dec = new TextDecoder('utf-8', { fatal: false });
const BLANK = /^\s*$/;

function reasonOf(e: unknown): string {
  return (e as Error).message.replace(/^JSON\.parse: /, '');
}

interface ParsedAction { action: BulkAction; index: string; id: string | undefined; pipeline: string | undefined }

/** One action/metadata line (line `at`); throws BulkRequestError when Elasticsearch would refuse the request whole. */
function parseAction(text: string, at: number, defaultIndex: string | undefined): ParsedAction {
  let meta: unknown;
  try { meta = JSON.parse(text); } catch (e) {
    throw new BulkRequestError('x_content_parse_exception', `Malformed action/metadata line [${at}]: ${reasonOf(e)}`, at);
  }
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    throw new BulkRequestError('illegal_argument_exception', `Malformed action/metadata line [${at}], expected START_OBJECT but found [${Array.isArray(meta) ? 'START_ARRAY' : 'VALUE'}]`, at);
  }
  const keys = Object.keys(meta);
  if (keys.length !== 1) throw new BulkRequestError('illegal_argument_exception', `Malformed action/metadata line [${at}], expected one action but found ${keys.length}`, at);
  const action = keys[0]!;
  if (!(action in BulkActions)) {
    throw new BulkRequestError('illegal_argument_exception', `Malformed action/metadata line [${at}], expected field [create], [delete], [index] or [update] but found [${action}]`, at);
  }
  const m = (meta as Record<string, unknown>)[action];
  if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new BulkRequestError('illegal_argument_exception', `Malformed action/metadata line [${at}], expected START_OBJECT after [${action}]`, at);
  const md = m as Record<string, unknown>;
  for (const k of Object.keys(md)) {
    if (!KNOWN_META.has(k)) throw new BulkRequestError('illegal_argument_exception', `Action/metadata line [${at}] contains an unknown parameter [${k}]`, at);
  }
  const index = typeof md._index === 'string' && md._index !== '' ? md._index : defaultIndex;
  if (index === undefined || index === '') throw new BulkRequestError('action_request_validation_exception', `Validation Failed: 1: index is missing (action/metadata line [${at}]);`, at);
  const id = md._id === undefined || md._id === null ? undefined : String(md._id);
  const pipeline = typeof md.pipeline === 'string' && md.pipeline !== '' ? md.pipeline : undefined;
  return { action: action as BulkAction, index, id, pipeline };
}

/** Splits a `_bulk` body into items; throws BulkRequestError when Elasticsearch would refuse the request whole. */
export function parseBulk(body: Uint8Array | string, defaultIndex: string | undefined): BulkItem[] {
  const text = typeof body === 'string' ? body : dec.decode(body);
  if (text.trim() === '') throw new BulkRequestError('action_request_validation_exception', 'Validation Failed: 1: no requests added;');
  if (!text.endsWith('\n')) throw new BulkRequestError('illegal_argument_exception', 'The bulk request must be terminated by a newline [\\n]');
  const items: BulkItem[] = [];
  let lastText: string | null = null;
  let lastAction: ParsedAction | null = null;
  let pos = 0;
  let line = 0;
  const next = (): string | null => {
    if (pos >= text.length) return null;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let l = text.slice(pos, end);
    if (l.endsWith('\r')) l = l.slice(0, -1);
    pos = end + 1;
    line++;
    return l;
  };
  for (;;) {
    const actionText = next();
    if (actionText === null) break;
    if (actionText.trim() === '') continue; // Elasticsearch skips empty lines between items
    const at = line;
    // Shippers repeat one action line for a whole request: parsed once (an identical line parses identically).
    if (actionText !== lastText) { lastAction = parseAction(actionText, at, defaultIndex); lastText = actionText; }
    const { action, index, id, pipeline } = lastAction!;
    const item: BulkItem = { action, index, id, pipeline, doc: null, error: null, line: at };
    items.push(item);
    if (action === BulkActions.delete) {
      item.error = { type: 'illegal_argument_exception', reason: `[${index}] is an append-only log table: delete is not supported` };
      continue;
    }
    const src = next();
    if (src === null || BLANK.test(src)) throw new BulkRequestError('illegal_argument_exception', `The bulk request must have a source line after the [${action}] action on line [${at}]`, at + 1);
    if (action === BulkActions.update) {
      item.error = { type: 'illegal_argument_exception', reason: `[${index}] is an append-only log table: update is not supported (use index or create)` };
      continue;
    }
    let doc: unknown;
    try { doc = JSON.parse(src); } catch (e) {
      item.error = { type: 'document_parsing_exception', reason: `[${line}:1] failed to parse: ${reasonOf(e)}` };
      continue;
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      item.error = { type: 'document_parsing_exception', reason: `[${line}:1] failed to parse: the source must be a JSON object` };
      continue;
    }
    item.doc = doc as Record<string, unknown>;
  }
  if (items.length === 0) throw new BulkRequestError('action_request_validation_exception', 'Validation Failed: 1: no requests added;');
  return items;
}

/** The error body Elasticsearch answers a refused request with. */
export function esErrorBody(e: EsError, status: number): { error: { root_cause: EsError[]; type: string; reason: string }; status: number } {
  return { error: { root_cause: [{ type: e.type, reason: e.reason }], type: e.type, reason: e.reason }, status };
}
