/**
 * Test support, not part of the library: a small line-oriented target so report and impact tests do not depend
 * on the real targets (built in parallel, and with golden files of their own). It has an object per
 * requirement, records the snapshot in a header line, reports host endpoints as not expressible and splits
 * objects over `maxPrefixes` (default 50) with a limit diagnostic, which is all the report code looks at.
 */
import { endpointAddresses, requirementPackets } from '../analysis/resolve.js';
import { TagwallError } from '../errors.js';
import { defineOptions, formatOptionSpec, validateOptions } from '../targets/option-schema.js';
import type { Capabilities, Diagnostic, Target, Translation } from '../targets/target.js';

const DEFAULT_MAX_PREFIXES = 50;

const CAPABILITIES: Capabilities = {
  directions: ['in', 'out'],
  protocols: 'any',
  icmpTypes: false,
  families: ['ipv4', 'ipv6'],
  serviceTags: 'expanded',
  hosts: 'none',
  urlPaths: false,
  sourcePorts: false,
};

const OPTIONS = defineOptions([
  formatOptionSpec(['lines']),
  { name: 'maxPrefixes', type: 'integer', min: 1, max: 100000, default: DEFAULT_MAX_PREFIXES, doc: 'prefixes an object holds', uses: ['render'] },
]);

/*
 * Not a kit run by the pipeline: a fixture whose diagnostics report code must be able to predict by hand, so it
 * translates in one visible function; it has the Target surface the report code reads.
 */
export const linesTarget: Target<'lines', 'lines', typeof OPTIONS> = {
  id: 'lines',
  family: 'test',
  description: 'test target: one object of allowed prefixes per requirement',
  formats: ['lines'],
  analysisMode: 'expanded',
  options: OPTIONS,
  capabilities: () => CAPABILITIES,
  labels: {},
  yardstick: requirementPackets,
  translate(requirements, context): Translation {
    const max = Number(validateOptions('lines', OPTIONS, context.options)['maxPrefixes'] ?? DEFAULT_MAX_PREFIXES);
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
