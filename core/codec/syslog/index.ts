// Public face of the syslog codec.
export { SyslogColumns, FACILITIES, SEVERITIES, type SyslogFault } from './parse.ts';
export { SyslogFramer, MAX_FRAME, type FrameSink } from './framing.ts';
export { syslogPipeline } from './layout.ts';
