/**
 * Test support, not part of the library: a small line-oriented target so report and impact tests do not depend
 * on the real targets (built in parallel, and with golden files of their own). It has an object per
 * requirement, records the snapshot in a header line, reports host endpoints as not expressible and splits
 * objects over `maxPrefixes` (default 50) with a limit diagnostic, which is all the report code looks at.
 */
import { endpointAddresses, requirementPackets } from '../analysis/resolve.js';
import { TagwallError } from '../errors.js';
import type { Diagnostic, Target, Translation } from '../targets/target.js';

const DEFAULT_MAX_PREFIXES = 50;

export const linesTarget: Target = {
  id: 'lines',
  description: 'test target: one object of allowed prefixes per requirement',
  formats: ['lines'],
  analysisMode: 'expanded',
  capabilities: {
    directions: ['in', 'out'],
    protocols: 'any',
    icmpTypes: false,
    families: ['ipv4', 'ipv6'],
    serviceTags: 'expanded',
    hosts: 'none',
    urlPaths: false,
    sourcePorts: false,
  },
  translate(requirements, context): Translation {
    const max = Number(context.options.maxPrefixes ?? DEFAULT_MAX_PREFIXES);
    const info = context.snapshot.info;
    const lines = [`# generated from ${info.cloud} change ${info.changeNumber} (${info.date ?? 'undated'}) ${info.source.split('/').pop()}`];
    const diagnostics: Diagnostic[] = [];
    for (const requirement of requirements.requirements) {
      if (requirement.destinations.some((endpoint) => endpoint.kind === 'host' || endpoint.kind === 'url')) {
        diagnostics.push({
          code: 'LINES_HOST_INEXPRESSIBLE',
          severity: 'warning',
          target: 'lines',
          requirementId: requirement.id,
          message: `${requirement.id} names hosts; this target has addresses only`,
          lost: requirementPackets(requirement, context.resolver),
        });
        continue;
      }
      const prefixes = endpointAddresses(requirement.destinations, context.resolver).toCidrStrings();
      const parts = Math.max(1, Math.ceil(prefixes.length / max));
      if (parts > 1) {
        diagnostics.push({
          code: 'LINES_PREFIX_LIMIT',
          severity: 'warning',
          target: 'lines',
          requirementId: requirement.id,
          message: `${requirement.id} needs ${prefixes.length} prefixes, over the ${max} an object holds: split in ${parts}`,
        });
      }
      for (let part = 0; part < parts; part++) {
        lines.push(`object "${requirement.id}${parts > 1 ? `-${part + 1}` : ''}" {`);
        lines.push(...prefixes.slice(part * max, (part + 1) * max).map((prefix) => `  allow ${requirement.direction} ${prefix}`));
        lines.push('}');
      }
    }
    return { artifacts: [{ name: 'rules.lines', format: 'lines', content: `${lines.join('\n')}\n` }], diagnostics };
  },
  parse(input) {
    throw new TagwallError('TW_UNSUPPORTED_CONFIG', 'the test target does not parse configs', { location: { file: input.file } });
  },
  parseArtifacts() {
    throw new TagwallError('TW_UNSUPPORTED_CONFIG', 'the test target does not parse configs');
  },
  detect: () => false,
};
