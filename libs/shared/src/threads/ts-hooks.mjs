// Module hooks for a worker thread started from TypeScript sources (tests, a dev run without a
// build): `./x.js` resolves to `./x.ts` when only the source exists, and .ts is transpiled by the
// project's own TypeScript. Compiled builds (npm start, docker) never load this.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { URL } from 'node:url';
import ts from 'typescript';

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
  const text = await readFile(new URL(url), 'utf8');
  const out = ts.transpileModule(text, {
    fileName: url,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, useDefineForClassFields: false, sourceMap: false },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
