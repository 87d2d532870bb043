/**
 * Rootless nft (issue 17, item 5): the largest scenario's nftables output loads with `unshare -rn nft -f` run as an
 * unprivileged user (nobody, through setpriv), which a root `unshare` would not prove (root may raise its netlink
 * buffer). The same ruleset as one transaction fails there with "Message too long" (so the probe really is the
 * rootless path), and what the kernel holds after the split load is exactly what tagwall reads in the files.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedPackets } from '../src/analysis/rule-set.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario } from '../src/catalogue/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { nftablesTarget } from '../src/targets/netfilter/nftables/index.js';

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

/** Runs a shell command as nobody in a fresh user + network namespace; returns its exit status and output. */
function rootless(dir: string, command: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync('setpriv', [...NOBODY, 'unshare', '-rn', 'sh', '-c', `cd '${dir}' && ${command}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    return { ok: false, output: `${(error as { stderr?: string }).stderr ?? ''}` };
  }
}

function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to switch to nobody';
  try {
    execFileSync('setpriv', [...NOBODY, 'unshare', '-rn', 'nft', 'list', 'ruleset'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'setpriv, unshare or nft missing, or unprivileged user namespaces disabled';
  }
}

const why = unavailable();

describe.skipIf(why !== undefined)(`rootless nft loads the largest scenario${why ? ` [skipped: ${why}]` : ''}`, () => {
  it('compute-public-ip: split files load as nobody under unshare -rn; one transaction does not; the kernel holds what the files say', () => {
    const snapshot = defaultSnapshot('Public');
    const resolver = expandedResolver(snapshot);
    const requirements = loadScenario('compute-public-ip', { region: 'westus', cloud: 'Public' });
    const { artifacts } = nftablesTarget.translate(requirements, { snapshot, resolver, options: {} });
    expect(artifacts.length).toBeGreaterThan(1);
    const dir = mkdtempSync(join(tmpdir(), 'tw-rootless-'));
    try {
      chmodSync(dir, 0o755);
      for (const artifact of artifacts) writeFileSync(join(dir, artifact.name), artifact.content, { mode: 0o644 });
      const load = /^# load: (.*?) \(check first/m.exec(artifacts[0]!.content)![1]!;
      const loaded = rootless(dir, `${load} && nft list ruleset`);
      expect(loaded.output.slice(0, 300), 'split load').not.toContain('Error');
      expect(loaded.ok).toBe(true);
      // What the kernel holds, read back, is exactly what tagwall reads in the files.
      const files = allowedPackets(nftablesTarget.parseArtifacts(artifacts, { resolver, options: {} }));
      const dumped = allowedPackets(nftablesTarget.parse({ content: loaded.output, file: 'nft list ruleset' }, { resolver, options: {} }));
      expect(dumped.difference(files).toString(), 'only in the kernel').toBe('(no packets)');
      expect(files.difference(dumped).toString(), 'only in the files').toBe('(no packets)');
      // The same ruleset as one file (one netlink batch) is what rootless nft refuses.
      writeFileSync(join(dir, 'whole.nft'), artifacts.map((artifact) => artifact.content).join('\n'), { mode: 0o644 });
      const whole = rootless(dir, 'nft -f whole.nft');
      expect(whole.ok).toBe(false);
      expect(whole.output).toContain('Message too long');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
