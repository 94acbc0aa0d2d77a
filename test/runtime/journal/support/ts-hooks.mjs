// Module hooks that let a plain `node` child process run the project's TypeScript sources:
// `./x.js` imports resolve to `./x.ts` when only the .ts exists, and .ts files are transpiled
// (types erased, nothing checked) with the project's own TypeScript.
//
// Transpiling the whole CLI takes seconds on a busy machine, and tests start such children
// repeatedly: outputs are cached in node_modules/.cache/gridbot-ts-hooks by a hash of the source text, the file name
// and the TypeScript version, so a cached output can never be stale.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE_DIR = fileURLToPath(new URL('../../../../node_modules/.cache/gridbot-ts-hooks/', import.meta.url));

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const tsUrl = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

// TypeScript is loaded only on a cache miss (its import alone takes a second); its version is
// read from its package.json to key the cache.
const TS_VERSION = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('typescript/package.json'), 'utf8')).version;

async function transpile(fileName, text) {
  const key = createHash('sha256').update(`${TS_VERSION}\0${fileName}\0${text}`).digest('hex');
  const cached = join(CACHE_DIR, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  const { default: ts } = await import('typescript');
  const out = ts.transpileModule(text, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  }).outputText;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written aside, then renamed: a concurrent reader sees the whole file or none.
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, out);
    renameSync(tmp, cached);
  } catch {
    // A cache that cannot be written only costs time.
  }
  return out;
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  return { format: 'module', source: await transpile(fileName, await readFile(fileName, 'utf8')), shortCircuit: true };
}
