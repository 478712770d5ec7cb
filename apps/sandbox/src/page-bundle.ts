/**
 * The page's script: public/app.ts bundled by esbuild into one classic script, in memory, once per
 * process (about 20 ms, started with the server and awaited by the first GET /app.js). Nothing is
 * built on disk, so there is no bundle to forget to rebuild or to commit; `npm run typecheck`
 * type-checks the same source (public/tsconfig.json).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./public/app.ts', import.meta.url));

let bundle: Promise<Buffer> | undefined;

/** The bundled page script; the first call builds it, later calls share that build. */
export function pageScript(): Promise<Buffer> {
  bundle ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    sourcemap: 'inline',
    logLevel: 'silent',
  }).then((result) => Buffer.from(result.outputFiles[0]!.contents));
  // A failed build is not kept: the next request tries again (and reports the error again).
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}
