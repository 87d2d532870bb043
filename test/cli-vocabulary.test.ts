/**
 * Issue 21, item 4: one flag vocabulary and usage errors a person can act on: no `(outputHelp)` leak, suggestions
 * on one line, an unknown option reported before a missing required one, `-o json` refused with the flag that does
 * it, `--vnet` and `--virtual-network` one option, and render's `error:` lines only when the exit code says so.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tagwall } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tagwall-vocabulary-'));

describe('usage errors', () => {
  it.each([[[]], [['catalog']], [['snapshot']]] as const)('tagwall %j with no subcommand prints its help on stderr and exits 2, nothing else', (argv) => {
    const result = tagwall(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: tagwall/);
    expect(result.stderr).not.toContain('outputHelp');
  });

  it('puts the suggestion on the line of the error', () => {
    const result = tagwall('rendr');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("tagwall: unknown command 'rendr' (did you mean render?) (see tagwall --help)\n");
  });

  it('reports a misspelt option as unknown, with the suggestion, before any missing required option', () => {
    const result = tagwall('check', '--targte', 'nsg', '--config', 'x.json', '--scenario', 'serverless');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("tagwall: unknown option '--targte' (did you mean --target?) (see tagwall check --help)\n");
    expect(tagwall('check', '--config', 'x.json').stderr).toContain("required option '--target <id>' not specified");
  });

  it('refuses -o json (az habit) with the flag that prints JSON, on every command that takes -o', () => {
    for (const argv of [
      ['render', '--scenario', 'serverless', '--region', 'westus', '--target', 'nsg', '-o', 'json'],
      ['check', '--scenario', 'serverless', '--region', 'westus', '--target', 'nsg', '--config', 'x.json', '-o', 'json'],
      ['diff', 'a.yaml', 'b.yaml', '-o', 'JSON'],
    ]) {
      const result = tagwall(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(/names the file to write, not a format: for (json|JSON) output use --json/);
    }
    const table = tagwall('impact', '--from', 'embedded', '--to', 'embedded', '--scenario', 'serverless', '-o', 'table');
    expect(table.stderr).toContain('use --format');
  });
});

describe('-o on commands that only print', () => {
  it('writes what expand prints to the file, atomically, and nothing when the command fails', () => {
    const out = join(dir, 'storage.txt');
    const printed = tagwall('expand', 'Storage.WestUS');
    const written = tagwall('expand', 'Storage.WestUS', '-o', out);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(printed.stdout);
    const failed = join(dir, 'nope.txt');
    expect(tagwall('expand', 'Nope', '-o', failed).code).toBe(2);
    expect(existsSync(failed)).toBe(false);
  });
});

describe('one name for the VirtualNetwork address space', () => {
  it('takes --vnet on check and --virtual-network on render, as aliases', () => {
    const args = ['--scenario', 'serverless', '--region', 'westus', '--subnet', '10.0.1.0/24'];
    const config = join(dir, 'fw.json');
    const viaLong = tagwall('render', ...args, '--target', 'azure-firewall', '--virtual-network', '10.0.0.0/16', '-o', config);
    const viaShort = tagwall('render', ...args, '--target', 'azure-firewall', '--vnet', '10.0.0.0/16');
    expect(viaLong.code, viaLong.stderr).toBeLessThanOrEqual(1);
    expect(tagwall('render', ...args, '--target', 'azure-firewall', '--vnet', '10.0.0.0/16', '--virtual-network', '10.0.0.0/16').stderr).toContain('same option');
    expect(viaShort.stdout).toContain('10.0.0.0/16');
    const checked = tagwall('check', ...args, '--target', 'nsg', '--config', 'fixtures/azure/nsg-show.json', '--vnet', '10.0.0.0/16', '--json');
    expect(checked.code, checked.stderr).toBe(1);
  });
});

describe('render diagnostics and the exit code', () => {
  const args = ['render', '--requirements', 'fixtures/requirements/workload.yaml', '--target', 'nsg'];
  it('says warning: and exits 0 without --strict; error: and exit 1 with it', () => {
    const loose = tagwall(...args);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toMatch(/^warning: NSG_FQDN_INEXPRESSIBLE: /m);
    expect(loose.stderr).not.toMatch(/^error: /m);
    const strict = tagwall(...args, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^error: NSG_FQDN_INEXPRESSIBLE: /m);
  });
});

describe('catalog show on a terminal', () => {
  it('fits the table to the terminal width, wrapping cells; a pipe gets one line per requirement', async () => {
    const { run } = await import('../src/cli/main.js');
    let stdout = '';
    const argv = ['catalog', 'show', 'compute-public-ip', '--region', 'westus'];
    expect(run(argv, { stdout: (text) => void (stdout += text), stderr: () => {}, style: () => ({ color: false, width: 100 }) })).toBe(0);
    expect(Math.max(...stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
    expect(stdout).toContain('inbound-batch');
    const piped = tagwall(...argv).stdout;
    expect(Math.max(...piped.split('\n').map((line) => line.length))).toBeGreaterThan(100);
    // Every requirement of the piped table is on its own single line; the fitted one has at least as many lines.
    expect(stdout.split('\n').length).toBeGreaterThan(piped.split('\n').length);
  });
});
