// Module hooks for a worker thread started from TypeScript sources (tests, a dev run without a
// build): `./x.js` resolves to `./x.ts` when only the source exists, and .ts is transpiled by the
// project's own TypeScript, kept on disk by path and modification time (loading TypeScript and
// transpiling the domain took ~6 s per thread otherwise). Compiled builds never load this.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const CACHE = fileURLToPath(new URL('../../../../node_modules/.cache/closeness-thread-ts/', import.meta.url));
let ts;

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL && (specifier.startsWith('.') || specifier.startsWith('file:'))) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(url)) {
      const source = new URL(url.href.replace(/\.js$/, '.ts'));
      if (existsSync(source)) return { url: source.href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const stat = statSync(path);
  const cached = `${CACHE}${createHash('sha1').update(`${path}|${stat.mtimeMs}|${stat.size}`).digest('hex')}.js`;
  if (existsSync(cached)) return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
  ts ??= (await import('typescript')).default;
  const out = ts.transpileModule(await readFile(path, 'utf8'), {
    fileName: path,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, useDefineForClassFields: false, sourceMap: false },
  }).outputText;
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, out);
  await rename(tmp, cached).catch(() => undefined);
  return { format: 'module', source: out, shortCircuit: true };
}
