import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tagwall } from './support/cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/servicetags/', import.meta.url));

describe('tagwall snapshot import', () => {
  it('keeps a valid snapshot byte for byte under its dated name, and is idempotent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-import-'));
    const source = join(FIXTURES, 'ServiceTags_Public_20250728.json.gz');
    const first = tagwall('snapshot', 'import', source, '--dir', dir, '--json');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { file: string; cloud: string; unchanged: boolean };
    expect(summary).toMatchObject({ cloud: 'Public', unchanged: false, file: join(dir, 'ServiceTags_Public_20250728.json.gz') });
    expect(readFileSync(summary.file).equals(readFileSync(source))).toBe(true);
    const again = tagwall('snapshot', 'import', source, '--dir', dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^unchanged: /);
    expect(readdirSync(dir)).toEqual(['ServiceTags_Public_20250728.json.gz']);
  });

  it('names a renamed file by cloud and change number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-import-'));
    const renamed = join(dir, 'download.json');
    writeFileSync(renamed, readFileSync(join(FIXTURES, 'ServiceTags_China_20260720.json')));
    const { code, stdout } = tagwall('snapshot', 'import', renamed, '--dir', join(dir, 'kept'), '--json');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { file: string }).file).toMatch(/ServiceTags_China_change\d+\.json$/);
  });

  it('refuses invalid JSON without writing anything, naming the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-import-'));
    const bad = join(dir, 'ServiceTags_Public_20990101.json');
    writeFileSync(bad, '{"changeNumber": 1, "cloud": "Public", "values": [\n');
    const { code, stderr } = tagwall('snapshot', 'import', bad, '--dir', join(dir, 'kept'));
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad}:`);
    expect(() => readdirSync(join(dir, 'kept'))).toThrow();
  });

  it('refuses to replace a kept snapshot with different content unless forced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-import-'));
    const name = 'ServiceTags_China_20260720.json';
    writeFileSync(join(dir, name), 'old');
    const source = join(FIXTURES, name);
    const refused = tagwall('snapshot', 'import', source, '--dir', dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(join(dir, name), 'utf8')).toBe('old');
    expect(tagwall('snapshot', 'import', source, '--dir', dir, '--force').code).toBe(0);
    expect(readFileSync(join(dir, name)).equals(readFileSync(source))).toBe(true);
  });
});
