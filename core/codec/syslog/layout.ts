// The syslog table layout: host and app as tags, the message full-text, structured data as JSON.
import type { CompiledPipeline } from '../../pipeline/index.ts';
import { layoutPipeline } from '../log_layout/index.ts';

let layout: CompiledPipeline | null = null;

export function syslogPipeline(): CompiledPipeline {
  layout ??= layoutPipeline('syslog', [
    { name: 'timestamp', type: 'time', index: 'timestamp' },
    { name: 'host', type: 'string', index: 'tag' },
    { name: 'app', type: 'string', index: 'tag' },
    { name: 'procid', type: 'string' },
    { name: 'msgid', type: 'string' },
    { name: 'facility', type: 'string', index: 'inverted' },
    { name: 'severity', type: 'string', index: 'inverted' },
    { name: 'message', type: 'string', index: 'fulltext' },
    { name: 'structured_data', type: 'json' },
  ]);
  return layout;
}
