import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApplicationSet } from './applications.js';
import { formatPacket, parsePacket } from './packet.js';
import { PacketSet } from './packet-set.js';

const NAMES = ['ssh', 'dns', 'ssl', 'web-browsing'];
const sets = fc.tuple(fc.boolean(), fc.subarray(NAMES)).map(([negated, names]) => (negated ? ApplicationSet.of(...names).complement() : ApplicationSet.of(...names)));
/** Every member that tells sets apart: the names used, one never used, and a packet without an application. */
const probes = [...NAMES, 'ntp', undefined];

describe('ApplicationSet', () => {
  it('∪ ∩ − and complement agree with membership, on names and on packets without one (property)', () => {
    fc.assert(
      fc.property(sets, sets, (a, b) => {
        for (const probe of probes) {
          expect(a.union(b).has(probe)).toBe(a.has(probe) || b.has(probe));
          expect(a.intersection(b).has(probe)).toBe(a.has(probe) && b.has(probe));
          expect(a.difference(b).has(probe)).toBe(a.has(probe) && !b.has(probe));
          expect(a.complement().has(probe)).toBe(!a.has(probe));
        }
        expect(a.isEmpty()).toBe(probes.every((probe) => !a.has(probe)));
        if (!a.isEmpty()) expect(a.has(a.witness())).toBe(true);
      }),
      { seed: 18, numRuns: 200 },
    );
  });
  it('is a packet dimension: app=NAME parsed, printed, matched; any by default', () => {
    const packet = parsePacket('out tcp 10.0.0.4 -> 192.0.2.10:22 app=SSH');
    expect(packet.application).toBe('ssh');
    expect(formatPacket(packet)).toBe('out tcp 10.0.0.4:49152 -> 192.0.2.10:22 app=ssh');
    const ssh = PacketSet.of({ applications: ApplicationSet.of('ssh') });
    expect(ssh.has(packet)).toBe(true);
    expect(ssh.has(parsePacket('out tcp 10.0.0.4 -> 192.0.2.10:22'))).toBe(false);
    expect(PacketSet.ALL.has(packet)).toBe(true);
    expect(PacketSet.ALL.difference(ssh).witness()!.application).toBeUndefined();
    expect(formatPacket(ssh.witness()!)).toBe('out tcp 172.16.0.0:49152 -> 1.0.0.0:443 app=ssh');
    expect(ssh.lines()[0]).toBe('in/out ipv4 tcp,udp any -> any app ssh');
  });
});
