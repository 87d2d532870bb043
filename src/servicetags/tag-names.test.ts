/**
 * Tag names are checked when a snapshot is loaded (load.ts `checkTagName`): a file whose tag is called `*`,
 * `0.0.0.0/0` or `Internet` would make every rule that names the tag mean something else, so it is refused with
 * the JSON path of the name, and no Azure output can ever say `*` for a tag.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../analysis/resolve.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import { allTargets } from '../targets/registry.js';
import { encodeEmbedded } from './embedded.js';
import { parseServiceTagsJson } from './load.js';
import { parseSnapshot } from './snapshot.js';
import { expectTagwallError, sampleSnapshot } from './test-fixtures.js';

function renamed(name: string): string {
  const json = sampleSnapshot();
  json.values[1]!.name = name;
  return JSON.stringify(json);
}

describe('tag names in a snapshot', () => {
  for (const name of ['*', '0.0.0.0/0', '10.0.0.1', '2001:db8::/32', 'Any', 'internet', 'VirtualNetwork', 'AzureLoadBalancer', 'Storage West', 'Storage;x', "Stor'age", '[parameters(1)]', 'Ünïcode']) {
    it(`refuses ${JSON.stringify(name)} with the JSON path of the name`, () => {
      const error = expectTagwallError(() => parseSnapshot(renamed(name), 'bad.json'), 'TW_INVALID_TAG_NAME');
      expect(error.location).toEqual({ file: 'bad.json', jsonPath: '$.values[1].name' });
    });
  }

  it('accepts Microsoft\'s grammar: letters, digits, ".", "-", "_"', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,40}$/), (name) => {
        fc.pre(!['any', 'internet', 'virtualnetwork', 'azureloadbalancer'].includes(name.toLowerCase()));
        expect(parseSnapshot(renamed(name), 'ok.json').tag(name)?.name).toBe(name);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses the same names in tagwall\'s embedded form (a --snapshot file of that form)', () => {
    const table = parseServiceTagsJson(renamed('Storage.FranceCentral'), 'x.json');
    const bytes = encodeEmbedded(table, undefined);
    expect(parseSnapshot(bytes, 'ok.twsnap').names()).toContain('Storage.FranceCentral');
    // The embedded encoder trusts its table, so a bad name can be written into that form only by hand, as here.
    const bad = Object.assign(Object.create(Object.getPrototypeOf(table) as object) as typeof table, table, {
      names: table.names.map((name, index) => (index === 1 ? '*' : name)),
      tagAt: (index: number) => (index === 1 ? { ...table.tagAt(index), name: '*', id: '*' } : table.tagAt(index)),
    });
    expect(expectTagwallError(() => parseSnapshot(encodeEmbedded(bad, undefined), 'bad.twsnap'), 'TW_INVALID_TAG_NAME').location).toEqual({ file: 'bad.twsnap', jsonPath: '$.values[1].name' });
  });

  it('so no Azure target ever writes * for a tag', () => {
    const snapshot = parseSnapshot(JSON.stringify(sampleSnapshot()), 'ok.json');
    const requirement = {
      id: 'to-storage',
      direction: 'out' as const,
      protocols: ProtocolSet.of(6),
      ports: PortSet.of(443),
      sources: [{ kind: 'service-tag' as const, name: 'Storage.FranceCentral' }],
      destinations: [{ kind: 'service-tag' as const, name: 'Storage.FranceCentral' }],
      purpose: 'p',
      conditions: [],
      provenance: [],
    };
    for (const target of allTargets().filter((candidate) => ['azure-firewall', 'azure-firewall-classic', 'nsg'].includes(candidate.id))) {
      const text = target.translate({ requirements: [requirement] }, { snapshot, resolver: expandedResolver(snapshot), options: {} }).artifacts[0]!.content;
      expect(text, target.id).toContain('Storage.FranceCentral');
    }
  });
});
