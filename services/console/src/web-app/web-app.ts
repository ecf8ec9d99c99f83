import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/**
 * The web app's policy: its own scripts, styles and API only. Vite's build has no inline script
 * or style, so nothing needs `unsafe-inline`.
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths the Nest app answers itself; everything else not a file is the app's own route. */
const SERVER_PATHS = /^\/(api|auth|health|ready)(\/|$)/;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface WebFile {
  body: Buffer;
  type: string;
  /** Vite names built assets by their content hash: they never change under their name. */
  immutable: boolean;
}

/** Every file of the build, read once at start: the set of answers is fixed, no path is trusted. */
function readBuild(directory: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const type = CONTENT_TYPES[extname(entry)];
      if (type === undefined) continue;
      const url = `/${relative(directory, path).split(sep).join('/')}`;
      files.set(url, { body: readFileSync(path), type, immutable: url.startsWith('/assets/') });
    }
  };
  walk(directory);
  return files;
}

/** The built app (Vite's output): its files by exact path, `index.html` for every other page. */
export function webApp(directory: string) {
  const indexPath = join(directory, 'index.html');
  if (!existsSync(indexPath)) {
    throw new Error(`the console's web app is not built (no ${indexPath}): run npm run build`);
  }
  const files = readBuild(directory);
  const index = files.get('/index.html');
  return (request: Request, response: Response, next: NextFunction): void => {
    if (
      SERVER_PATHS.test(request.path) ||
      (request.method !== 'GET' && request.method !== 'HEAD')
    ) {
      next();
      return;
    }
    const file = (request.path === '/index.html' ? undefined : files.get(request.path)) ?? index;
    if (file === undefined) {
      next();
      return;
    }
    response.setHeader('Content-Security-Policy', APP_CONTENT_SECURITY_POLICY);
    response.setHeader('Content-Type', file.type);
    if (file.immutable) response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    response.status(200).send(file.body);
  };
}
