import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { LOG_REDACT_PATHS, redactText, redactUrl } from './domain/redact.js';

/**
 * What every camtrove log line goes through, whichever logger writes it: Authorization headers and
 * `password`/`token` fields replaced by `***`, request URLs and error texts without URL credentials
 * (user-info and secret query parameters: an error from a socket or from ffmpeg may quote a camera
 * URL whole).
 */
export const logRedaction = {
  redact: { paths: LOG_REDACT_PATHS, censor: '***' },
  serializers: {
    req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url ?? '') }),
    err: (error: Error) => {
      const serialized = pino.stdSerializers.err(error);
      return { ...serialized, message: redactText(serialized.message), stack: redactText(serialized.stack) };
    },
  },
} satisfies Pick<LoggerOptions, 'redact' | 'serializers'>;

/**
 * Logs on stderr, redacted as logRedaction says: one readable line per entry when stderr is a
 * terminal (a person is watching), JSON lines otherwise (a file, a pipe, a log collector).
 */
export function createLogger(level: string, format: LogFormat = logFormatFor(process.stderr)): Logger {
  if (format === 'json') return pino({ level, ...logRedaction }, pino.destination(2));
  // pino-pretty is loaded only for a terminal; it formats the lines pino has already redacted.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pino({ level, ...logRedaction }, pretty.build({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true }));
}

export type LogFormat = 'pretty' | 'json';

/** Pretty for a terminal, JSON for anything else. */
export function logFormatFor(stream: { isTTY?: boolean }): LogFormat {
  return stream.isTTY === true ? 'pretty' : 'json';
}
