// A clone is the whole product: no code or test reads the team-only ../shared folder at run time,
// every committed fixture says where it came from, and the repository stays lean.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../fixtures';

const REPO = resolve(FIXTURES_DIR, '../..');
// Build output and installed packages (.gitignore), never committed.
const NOT_COMMITTED = new Set(['node_modules', '.git', 'out', 'dist', 'dist-ui', 'build', '.artifacts', 'coverage', '.marginwatch-data']);
const MB = 1024 * 1024;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (NOT_COMMITTED.has(e.name)) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : e.isFile() ? [path] : [];
  });
}

/** Source text without comments, so references to the design notes in comments stay allowed. */
function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const SHARED_READ = /shared\/data|shared\/design|\/work\/shared|SHARED_DATA|['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/;
const CODE = new Set(['.ts', '.js', '.mjs', '.cjs', '.svelte']);

describe('self-contained repository', () => {
  it('no source or test file reads ../shared at run time', () => {
    const offenders = ['src', 'test', 'electron']
      .flatMap((d) => filesUnder(join(REPO, d)))
      .filter((f) => CODE.has(extname(f)) && !f.endsWith('self-contained.test.ts'))
      .filter((f) => SHARED_READ.test(codeOnly(readFileSync(f, 'utf8'))))
      .map((f) => relative(REPO, f));
    expect(offenders).toEqual([]);
  });

  it('the check above recognises a read of ../shared', () => {
    expect(SHARED_READ.test(codeOnly("const f = resolve(root, '../shared/data/market/x.csv');"))).toBe(true);
    expect(SHARED_READ.test(codeOnly("join(root, '..', 'shared', 'data')"))).toBe(true);
    expect(SHARED_READ.test(codeOnly('// Formulas: ../shared/design/MARGIN-FORMULAS.md §4.'))).toBe(false);
  });

  it('every fixture data file is named, with its source, in test/fixtures/README.md or the README.md beside it', () => {
    const readme = (dir: string) => (existsSync(join(dir, 'README.md')) ? readFileSync(join(dir, 'README.md'), 'utf8') : '');
    const top = readme(FIXTURES_DIR);
    const data = filesUnder(FIXTURES_DIR).filter((f) => !['.ts', '.md'].includes(extname(f)));
    expect(data.length).toBeGreaterThan(0);
    const unnamed = data
      .filter((f) => ![top, readme(dirname(f))].some((text) => text.includes(`\`${basename(f)}\``)))
      .map((f) => relative(FIXTURES_DIR, f));
    expect(unnamed).toEqual([]);
  });

  it('no committed file exceeds 2 MB and fixture data stays under 15 MB', () => {
    const all = filesUnder(REPO);
    const big = all.filter((f) => statSync(f).size > 2 * MB).map((f) => relative(REPO, f));
    expect(big).toEqual([]);
    const fixtureBytes = filesUnder(FIXTURES_DIR).reduce((sum, f) => sum + statSync(f).size, 0);
    expect(fixtureBytes).toBeLessThan(15 * MB);
  });
});
