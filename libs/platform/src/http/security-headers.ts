import type { NextFunction, Request, Response } from 'express';

/**
 * Headers for a JSON-only API: nothing may be sniffed, framed, cached or sent on as a referrer.
 * Responses can hold alert details, so no shared or browser cache may keep them.
 */
export function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  response.setHeader('X-Frame-Options', 'DENY');
  next();
}
