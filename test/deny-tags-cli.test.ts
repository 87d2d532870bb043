/**
 * A v2 deny term against an allow naming a service tag, through the CLI: the tag is written as its prefixes for
 * the snapshot in use, exactly (render then check is clean, and the denied prefixes are not allowed); VirtualNetwork
 * and Internet are refused, since their addresses are the deployment's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { tagwall } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-deny-tags-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('deny terms over service tags, from the command line', () => {
  const storage = defaultSnapshot('Public').addresses('Storage.WestUS').toCidrStrings('ipv4');
  const denied = storage[0]!;
  const inside = denied.split('/')[0]!;
  const kept = storage[storage.length - 1]!.split('/')[0]!;
  const requirements = file(
    'tags.yaml',
    `version: 2\nrequirements:\n  - {id: not-that-account, action: deny, direction: outbound, destination: ${denied}}\n  - {id: storage, direction: outbound, source: 10.1.0.0/16, destination: Storage.WestUS, service: tcp/443}\n`,
  );

  it('writes the tag as its prefixes minus the denied ones, and checks clean', () => {
    const output = join(dir, 'tags.nft');
    expect(tagwall('render', '--target', 'nftables', '--requirements', requirements, '-o', output).code).toBe(0);
    const check = tagwall('check', '--target', 'nftables', '--config', output, '--requirements', requirements);
    expect(check.stdout).toMatch(/^ok: /);
    expect(tagwall('eval', `nftables:${output}`, '--packet', `out tcp 10.1.0.5:40000 -> ${inside}:443`).stdout).toMatch(/: deny(ed)? by /);
    expect(tagwall('eval', `nftables:${output}`, '--packet', `out tcp 10.1.0.5:40000 -> ${kept}:443`).stdout).toMatch(/: allow(ed)? by /);
  });

  it('refuses VirtualNetwork and Internet', () => {
    for (const tag of ['VirtualNetwork', 'Internet']) {
      const path = file(`${tag}.yaml`, `version: 2\nrequirements:\n  - {id: d, action: deny, direction: outbound, destination: 10.1.0.0/16}\n  - {id: a, direction: outbound, destination: ${tag}}\n`);
      const result = tagwall('render', '--target', 'nsg', '--requirements', path, '--json');
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(/"TW_DENY_INEXPRESSIBLE"/);
      expect(result.stdout).toContain(`${tag} stands for addresses only the deployment knows`);
    }
  });
});
