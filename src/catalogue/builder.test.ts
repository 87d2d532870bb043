import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { defineRequirement, requirementSet } from './builder.js';
import { parseRequirements } from './requirements-file.js';

describe('requirements in code', () => {
  it('means what the same terms mean in a v2 file', () => {
    const built = requirementSet('three-tier')
      .deny({ id: 'no-db-egress', direction: 'outbound', source: '10.20.3.0/24' })
      .allow({ id: 'updates', direction: 'outbound', source: ['10.20.1.0/24', '10.20.3.0/24'], protocol: 'tcp', ports: 443, destination: '198.51.100.10', except: { source: '10.20.1.7' } })
      .allow({ id: 'ping', direction: 'out', protocol: 'icmp', icmp: [{ type: 8 }], destination: '198.51.100.0/24' })
      .build();
    const file = parseRequirements(
      `version: 2
name: three-tier
requirements:
  - {id: no-db-egress, action: deny, direction: outbound, source: 10.20.3.0/24}
  - {id: updates, direction: outbound, source: [10.20.1.0/24, 10.20.3.0/24], service: tcp/443, destination: 198.51.100.10, except: {source: 10.20.1.7}}
  - {id: ping, direction: out, protocol: icmp, icmp: [{type: 8}], destination: 198.51.100.0/24}
`,
      'f.yaml',
    );
    expect(built.requirements).toEqual(file.requirements);
    expect(built.requirements[0]!.sources).toEqual([{ kind: 'addresses', addresses: AddressSet.parse('10.20.1.0/24').difference(AddressSet.parse('10.20.1.7')) }]);
    expect(built.origin).toBe('code:three-tier');
  });

  it('refuses what a file refuses, with the same codes', () => {
    expect(() => defineRequirement({ id: 'a', direction: 'outbound', protocol: 'tcpp' })).toThrow(expect.objectContaining({ code: 'TW_INVALID_PROTOCOL' }));
    expect(() => defineRequirement({ id: 'a', direction: 'outbound', protocol: 'icmp', ports: 443 })).toThrow(expect.objectContaining({ code: 'TW_CONTRADICTORY_REQUIREMENT' }));
    expect(() => defineRequirement({ id: 'a', direction: 'outbound', destination: '*.com' })).toThrow(expect.objectContaining({ code: 'TW_WILDCARD_PUBLIC_SUFFIX' }));
    expect(() => requirementSet().allow({ id: 'a', direction: 'in' }).deny({ id: 'a', direction: 'in' })).toThrow(expect.objectContaining({ code: 'TW_DUPLICATE_ID' }));
    const tagged = requirementSet().deny({ id: 'd', direction: 'out', destination: '10.0.0.0/8' }).allow({ id: 'a', direction: 'out', destination: 'VirtualNetwork' });
    expect(() => tagged.build()).toThrow(expect.objectContaining({ code: 'TW_DENY_INEXPRESSIBLE' }));
    expect(tagged.build({ expandTag: () => AddressSet.parse('10.0.0.0/8, 192.168.0.0/16') }).requirements[0]!.destinations).toEqual([{ kind: 'addresses', addresses: AddressSet.parse('192.168.0.0/16') }]);
  });
});
