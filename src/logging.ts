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

/** JSON logs on stderr, redacted as logRedaction says. */
export function createLogger(level: string): Logger {
  return pino({ level, ...logRedaction }, pino.destination(2));
}
