/**
 * iptables output goes in beside the host's own rules (issue 17, item 5): by default the files are loaded with
 * `--noflush`, create or flush only tagwall's chains and insert the jumps; the `# reload:` command leaves one jump
 * each. A namespace that already has Docker's DOCKER-USER chain, an SSH allow and a FORWARD policy DROP keeps them
 * through a load and a reload. `fullTable` (`--full-table`) is the capirca-style whole table, which replaces them.
 */
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario } from '../src/catalogue/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { iptablesTarget } from '../src/targets/netfilter/iptables/index.js';
import type { TargetOptionValues } from '../src/targets/target.js';
import { Namespace, netnsUnavailable } from './support/netns.js';

const unavailable = netnsUnavailable();
const skipNote = unavailable ? ` [skipped: ${unavailable}]` : '';
const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const requirements = loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' });

/** Writes the rendered files into the namespace's folder and returns the header's `# load:` and `# reload:` commands. */
function rendered(ns: Namespace, options: TargetOptionValues): { load: string; reload: string | undefined } {
  const { artifacts } = iptablesTarget.translate(requirements, { snapshot, resolver, options });
  for (const artifact of artifacts) ns.file(artifact.name, artifact.content);
  const header = artifacts.find((artifact) => artifact.name === 'iptables.rules')!.content;
  const command = (key: string): string | undefined => new RegExp(`^# ${key}: (.*)$`, 'm').exec(header)?.[1];
  return { load: command('load')!, reload: command('reload') };
}

/** The host's own rules, as a host running Docker and sshd has them. */
function hostRules(ns: Namespace): void {
  for (const tool of ['iptables', 'ip6tables']) {
    ns.run(tool, ['-N', 'DOCKER-USER']);
    ns.run(tool, ['-A', 'DOCKER-USER', '-j', 'RETURN']);
    ns.run(tool, ['-A', 'FORWARD', '-j', 'DOCKER-USER']);
    ns.run(tool, ['-A', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'ACCEPT']);
    ns.run(tool, ['-P', 'FORWARD', 'DROP']);
  }
}

const HOST_LINES = ['-P FORWARD DROP', '-N DOCKER-USER', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A FORWARD -j DOCKER-USER', '-A DOCKER-USER -j RETURN'];

describe.skipIf(unavailable !== undefined)(`iptables output beside the host's rules, in a namespace${skipNote}`, () => {
  it('loads and reloads with --noflush: the host keeps its chains, rules and policies; one jump each; chains flushed, not doubled', () => {
    const ns = new Namespace('nfl');
    try {
      hostRules(ns);
      const { load, reload } = rendered(ns, {});
      expect(load).toContain('iptables-restore --noflush iptables.rules');
      ns.run('sh', ['-c', `cd '${ns.dir}' && ${load}`]);
      const first = { v4: ns.run('iptables', ['-S']), v6: ns.run('ip6tables', ['-S']) };
      for (const saved of Object.values(first)) {
        for (const line of HOST_LINES) expect(saved).toContain(line);
        expect(saved.split('\n').filter((line) => line === '-A INPUT -j TAGWALL-IN')).toHaveLength(1);
        expect(saved.split('\n').filter((line) => line === '-A OUTPUT -j TAGWALL-OUT')).toHaveLength(1);
        // tagwall decides first: its jump is INPUT's first rule, before the host's SSH allow.
        expect(saved.indexOf('-A INPUT -j TAGWALL-IN')).toBeLessThan(saved.indexOf('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'));
      }
      expect(first.v4).toContain('-A TAGWALL-OUT -d 168.63.129.16/32 -p udp -m udp --dport 53');
      ns.run('sh', ['-c', `cd '${ns.dir}' && ${reload!}`]);
      // The reload flushed tagwall's chains and refilled them, and removed the second jump it inserted.
      expect(ns.run('iptables', ['-S'])).toBe(first.v4);
      expect(ns.run('ip6tables', ['-S'])).toBe(first.v6);
    } finally {
      ns.delete();
    }
  });

  it('fullTable is the whole filter table: plain iptables-restore replaces the host rules', () => {
    const ns = new Namespace('nft');
    try {
      hostRules(ns);
      const { load, reload } = rendered(ns, { fullTable: true });
      expect(load).not.toContain('--noflush');
      expect(reload).toBeUndefined();
      ns.run('sh', ['-c', `cd '${ns.dir}' && ${load}`]);
      const saved = ns.run('iptables', ['-S']);
      expect(saved).toContain('-A INPUT -j TAGWALL-IN');
      expect(saved).not.toContain('DOCKER-USER');
      expect(saved).not.toContain('--dport 22 -j ACCEPT');
    } finally {
      ns.delete();
    }
  });
});
