import pino, { type Logger } from 'pino';

/**
 * One logger for the process. Tokens never reach the logs: the Authorization header and anything
 * named like a token is redacted wherever it appears.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'eco-compensation' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'adminToken'],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export type { Logger };
