import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/index.js';

export type { Logger } from 'pino';

// Any key that could carry a credential is censored wherever it appears in a log object.
const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'secretKey',
  '*.secretKey',
  'password',
  '*.password',
];

export function createLogger(options: { level: LogLevel; format: 'json' | 'pretty'; name?: string }): Logger {
  return pino({
    name: options.name ?? 'afas-sync',
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(options.format === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss' },
          },
        }
      : {}),
  });
}
