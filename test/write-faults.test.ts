/**
 * Faults while tagwall writes (issue 19 item 4), through the built bin as users run it: standard output on a full
 * device, a full file system and a closed pipe; `-o` onto things that are not regular files; and SIGKILL at exact
 * points of multi-file writes (iptables + ipset files; PAN-OS XML with EDL files in a subdirectory), after which
 * the directory holds the complete old set or the complete new set, with no staged file left, once the next write
 * into it (recoverInterruptedWrites, which every write runs first) has run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverInterruptedWrites } from '../src/cli/write-files.js';

const BIN = 'dist/cli.js';
const noBin = existsSync(BIN) ? undefined : 'dist/cli.js is not built (npm run build)';
const isRoot = process.getuid?.() === 0;
const scratch = (): string => mkdtempSync(join(tmpdir(), 'tagwall-faults-'));
// A scenario whose nftables output is one file (larger ones continue in tagwall.2.nft, and -o is then a directory).
const RENDER = ['render', '--scenario', 'inbound-udr', '--region', 'westus', '--target', 'nftables'];

function sh(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const bin = (args: readonly string[]): string => [process.execPath, BIN, ...args].map((arg) => `'${arg}'`).join(' ');

describe.skipIf(noBin)(`standard output and -o faults (${noBin ?? 'dist/cli.js'})`, () => {
  it('exits 2 with tagwall: <stdout>: … on /dev/full, with and without --json, and no stack', () => {
    for (const extra of [[], ['--json']]) {
      const result = sh(`${bin([...RENDER, ...extra])} > /dev/full`);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^tagwall: <stdout>: cannot write the output: ENOSPC: no space left on device$/m);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('a long ASCII answer, written in slices: exit 2 on /dev/full, cut back to nothing on a full file system (that part needs root)', () => {
    const dir = scratch();
    const scenario = ['--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables'];
    expect(sh(bin(['render', ...scenario, '-o', `${dir}/nft/`])).status).toBe(0);
    // check --json lists every CIDR of the differences: megabytes, past SLICE_CHARS (src/cli/io.ts).
    const check = ['check', '--json', ...scenario, '--config', join(dir, 'nft', 'tagwall.nft'), '--config', join(dir, 'nft', 'tagwall.2.nft')];
    const whole = sh(`${bin(check)} > '${dir}/answer.json'; echo "exit=$?"; wc -c < '${dir}/answer.json'`).stdout.split('\n');
    expect(whole[0]).toBe('exit=1');
    expect(Number(whole[1])).toBeGreaterThan(4 * (1 << 18));
    const full = sh(`${bin(check)} > /dev/full`);
    expect(full.status).toBe(2);
    expect(full.stderr).toMatch(/^tagwall: <stdout>: cannot write the output: ENOSPC: no space left on device$/m);
    if (!isRoot) return;
    mkdirSync(join(dir, 'small'));
    const script = [`mount -t tmpfs -o size=1m tagwall-full '${dir}/small' || exit 99`, `${bin(check)} > '${dir}/small/a.json' 2>/dev/null; echo "stdout=$?"`, `wc -c < '${dir}/small/a.json'`].join('\n');
    const result = spawnSync('unshare', ['-m', 'bash', '-c', script], { encoding: 'utf8' });
    expect(result.stdout.split('\n')).toEqual(['stdout=2', '0', '']);
  });

  it.skipIf(!isRoot)('on a full file system: exit 2, standard output cut back to nothing, -o leaves no file (needs root: tmpfs in a mount namespace)', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'small'));
    const script = [
      `mount -t tmpfs -o size=64k tagwall-full '${dir}/small' || exit 99`,
      `${bin(['render', '--scenario', 'compute-public-ip', '--region', 'westus', '--target', 'nftables'])} > '${dir}/small/t.nft' 2>'${dir}/err1'; echo "stdout=$?"`,
      `wc -c < '${dir}/small/t.nft'`,
      `${bin(['render', '--scenario', 'compute-public-ip', '--region', 'westus', '--target', 'iptables', '-o', `${dir}/small/out/`])} 2>'${dir}/err2'; echo "output=$?"`,
      `ls -A '${dir}/small'`,
    ].join('\n');
    const result = spawnSync('unshare', ['-m', 'bash', '-c', script], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual(['stdout=2', '0', 'output=2', 't.nft', '']);
    expect(readFileSync(join(dir, 'err1'), 'utf8')).toMatch(/^tagwall: <stdout>: cannot write the output: ENOSPC/m);
    expect(readFileSync(join(dir, 'err2'), 'utf8')).toMatch(/^tagwall: .*small\/out\/\S+: cannot write output: ENOSPC/m);
  });

  it('refuses -o onto a device node or a symbolic link, and --report onto a directory, leaving them as they were', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'real.nft'), 'mine');
    symlinkSync(join(dir, 'real.nft'), join(dir, 'link.nft'));
    mkdirSync(join(dir, 'report.md'));
    for (const [args, kind] of [
      [['-o', '/dev/null'], 'a device'],
      [['-o', join(dir, 'link.nft')], 'a symbolic link'],
      [['-o', join(dir, 'new.nft'), '--report', join(dir, 'report.md')], 'a directory'],
    ] as const) {
      const result = sh(bin([...RENDER, ...args]));
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`refusing to replace ${kind}`);
    }
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(lstatSync(join(dir, 'link.nft')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.nft'), 'utf8')).toBe('mine');
    expect(readdirSync(dir).sort()).toEqual(['link.nft', 'real.nft', 'report.md']);
  });
});

/** A requirement file with `count` regional tags: PAN-OS with tags=edl writes one EDL file per tag. */
function manyTags(dir: string, count: number): string {
  const regions = ['WestUS', 'EastUS', 'WestEurope', 'NorthEurope', 'EastUS2', 'CentralUS', 'WestUS2', 'UKSouth', 'JapanEast', 'AustraliaEast'];
  const services = ['Storage', 'AzureCloud', 'Sql', 'EventHub', 'ServiceBus', 'AzureMonitor', 'AppService'];
  const lines = ['name: many-tags', 'requirements:'];
  for (let i = 0; i < count; i++) {
    const tag = `${services[i % services.length]}.${regions[Math.floor(i / services.length) % regions.length]}`;
    lines.push(`  - id: r${i}`, '    direction: outbound', '    protocol: tcp', '    ports: 443', '    source: 10.0.0.0/24', `    destination: ${tag}`);
  }
  const file = join(dir, 'many.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const listing = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

interface Killed {
  /** Staged files were there when the process died. */
  readonly caughtWriting: boolean;
  /** A journal was there: the process died between the commit and the end of the renames. */
  readonly caughtRenaming: boolean;
  readonly state: 'old' | 'new';
}

/**
 * Runs the bin writing into `dir`, killed by SIGKILL just before its `nth` call of fs.<call>Sync
 * (test/support/kill-at.mjs), then recovers the way the next write would and classifies the directory.
 */
function killAt(args: readonly string[], dir: string, call: string, nth: number, oldSet: Map<string, string>, newSet: Map<string, string>): Promise<Killed> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', './test/support/kill-at.mjs', BIN, ...args], {
      stdio: 'ignore',
      env: { ...process.env, TAGWALL_TEST_KILL_AT: `${call}:${nth}` },
    });
    child.on('exit', (code, signal) => {
      try {
        // Never exit 0 unless the whole new set is in place.
        if (signal === null) expect(code).toBe(0);
        const before = listing(dir);
        const caughtWriting = before.some((name) => name.includes('.tagwall-'));
        const caughtRenaming = before.some((name) => name.endsWith('.journal'));
        for (const sub of new Set([...newSet.keys()].map((name) => join(dir, name, '..')))) recoverInterruptedWrites(sub);
        const after = listing(dir).filter((name) => !name.endsWith('edl'));
        expect(after.filter((name) => name.includes('.tagwall-'))).toEqual([]);
        const read = new Map(after.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
        const same = (set: Map<string, string>): boolean => read.size === set.size && [...set].every(([name, content]) => read.get(name) === content);
        if (same(oldSet)) done({ caughtWriting, caughtRenaming, state: 'old' });
        else if (same(newSet)) done({ caughtWriting, caughtRenaming, state: 'new' });
        else fail(new Error(`a mixed set after SIGKILL before ${call} #${nth}: ${[...read].map(([name, content]) => `${name}=${content === oldSet.get(name) ? 'old' : content === newSet.get(name) ? 'new' : '?'}`).join(' ')}`));
      } catch (error) {
        fail(error);
      }
    });
  });
}

/** The new set: an uninterrupted run into a fresh directory. */
function reference(args: string[]): Promise<Map<string, string>> {
  const dir = scratch();
  return new Promise((done) => {
    spawn(process.execPath, [BIN, ...args.map((arg) => arg.replace('{dir}', dir))], { stdio: 'ignore' }).on('exit', () => {
      const names = listing(dir).filter((name) => !name.endsWith('edl'));
      done(new Map(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')])));
    });
  });
}

describe.skipIf(noBin)(`SIGKILL during multi-file writes (${noBin ?? 'dist/cli.js'})`, () => {
  const cases: ReadonlyArray<readonly [string, (dir: string, work: string) => string[]]> = [
    ['iptables + ipset files', (dir) => ['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'iptables', '-o', dir]],
    ['PAN-OS XML with EDL files in a subdirectory', (dir, work) => ['render', '--requirements', manyTags(work, 40), '--target', 'panos', '--tags', 'edl', '--edl-url', 'https://lists.example.com', '-o', dir]],
  ];
  it.each(cases)('%s: the complete old set or the complete new set, no staged file left, never exit 0 when killed', async (_label, argsFor) => {
    const work = scratch();
    const newSet = await reference(argsFor('{dir}', work));
    expect(newSet.size).toBeGreaterThanOrEqual(3);
    const oldSet = new Map([...newSet.keys()].map((name) => [name, `old ${name}\n`]));
    const n = newSet.size;
    // Kill points: the staging fsyncs (first, middle, last), the hard links to the old files, and the renames of
    // the journal copies and of the files (first, middle, last, and one past the end: a run that completes).
    const points: Array<readonly [string, number]> = [
      ['fsync', 1], ['fsync', Math.ceil(n / 2)], ['fsync', n],
      ['link', 1], ['link', n],
      ['rename', 1], ['rename', 3], ['rename', Math.ceil(n / 2) + 2], ['rename', n + 1], ['rename', n + 10],
    ];
    const outcomes: Killed[] = [];
    for (let i = 0; i < points.length; i += 2) {
      const batch = points.slice(i, i + 2).map(([call, nth], k) => {
        const dir = join(work, `run${i + k}`);
        for (const [name, content] of oldSet) {
          mkdirSync(join(dir, name, '..'), { recursive: true });
          writeFileSync(join(dir, name), content);
        }
        return killAt(argsFor(dir, work), dir, call, nth, oldSet, newSet);
      });
      outcomes.push(...(await Promise.all(batch)));
    }
    // The kill points must really have fallen inside the write, in both phases, or this proves nothing.
    expect(outcomes.filter((outcome) => outcome.caughtWriting).length, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(6);
    expect(outcomes.filter((outcome) => outcome.caughtRenaming).length, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(3);
    expect(new Set(outcomes.map((outcome) => outcome.state))).toEqual(new Set(['old', 'new']));
  }, 120_000);
});
