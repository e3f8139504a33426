import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { MAX_JSON_DEPTH } from './json-depth';

/**
 * The one error type of the service. `expose` distinguishes operational errors (a client's bad
 * request, a lost race: their message is part of the API) from programmer errors, whose details
 * are logged and never sent.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export const errors = {
  invalidRequest: (message: string, details?: unknown) => new AppError(400, 'invalid_request', message, details),
  unauthenticated: () => new AppError(401, 'unauthenticated', 'A valid bearer token is required.', undefined, { 'WWW-Authenticate': 'Bearer' }),
  forbidden: (message = 'Your role may not do this.') => new AppError(403, 'forbidden', message),
  notFound: (what = 'resource') => new AppError(404, 'not_found', `No such ${what}.`),
  versionConflict: (currentVersion: number) =>
    new AppError(409, 'version_conflict', 'The case was changed by someone else; reload it and try again.', { currentVersion }),
  idempotencyKeyReused: () =>
    new AppError(409, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request.'),
  conflict: (code: string, message: string, details?: unknown) => new AppError(409, code, message, details),
  eventNotAllowed: (state: string, allowedEvents: string[], message?: string) =>
    new AppError(422, 'event_not_allowed', message ?? `This event is not accepted in state ${state}.`, { state, allowedEvents }),
  guardFailed: (reason: string, extra?: Record<string, unknown>) =>
    new AppError(422, 'guard_failed', reason, { reason, ...extra }),
  unprocessable: (code: string, message: string, details?: unknown) => new AppError(422, code, message, details),
  payloadTooLarge: () => new AppError(413, 'payload_too_large', 'The request body is too large.'),
  tooManyRequests: (retryAfterSeconds: number) =>
    new AppError(429, 'too_many_requests', 'Too many requests; slow down.', { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) }),
  unavailable: (message: string) => new AppError(503, 'unavailable', message),
};

/** Zod issues as field paths a client can act on. */
export function zodDetails(err: ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}

export function body(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(body('not_found', `No route ${req.method} ${req.path}.`));
};

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Turns every error into the one JSON shape. Internal errors are logged, never described. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  void _next;
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err instanceof AppError) {
    if (err.headers) res.set(err.headers);
    res.status(err.status).json(body(err.code, err.message, err.details));
    return;
  }
  if (err instanceof ZodError) {
    res.status(400).json(body('invalid_request', 'The request does not match the schema.', zodDetails(err)));
    return;
  }
  const parserError = err as BodyParserError;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      res.status(400).json(body('invalid_request', 'The body is not valid JSON.'));
      return;
    case 'entity.too.large':
      res.status(413).json(body('payload_too_large', 'The request body is too large.'));
      return;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      res.status(415).json(body('unsupported_media_type', 'Send JSON encoded as UTF-8.'));
      return;
    case 'entity.too.deep':
      res.status(400).json(body('invalid_request', `The body is nested deeper than ${MAX_JSON_DEPTH} levels.`));
      return;
    case 'request.aborted':
      res.status(400).json(body('invalid_request', 'The request was aborted.'));
      return;
    default:
      break;
  }
  if (err instanceof URIError) {
    // The router could not percent-decode a path parameter (e.g. /cases/%ZZ).
    res.status(400).json(body('invalid_request', 'The path is not valid percent-encoding.'));
    return;
  }
  if (parserError?.expose && typeof parserError.status === 'number' && parserError.status < 500) {
    res.status(parserError.status).json(body('invalid_request', 'The request could not be read.'));
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  res.status(500).json(body('internal_error', 'Something went wrong on our side; it has been logged.'));
};
