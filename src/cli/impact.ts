/** `tagwall impact --from OLD --to NEW (--scenario S | --requirements F)`: what a new snapshot changes. */
import { snapshotImpact } from '../reports/impact.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import { renderReport, type ReportFormat } from '../reports/render.js';
import { allTargets, findTarget } from '../targets/registry.js';
import { EXIT_DIFFERENT, EXIT_OK, writeOutput, type CliIo, type GlobalOptions } from './io.js';
import { requirementLocationsOf, requirementsFromOptions, type RequirementInputOptions } from './requirements-input.js';
import { openSnapshot, openSnapshotsOverlapped } from './snapshot-source.js';
import { watchSnapshotAge } from './snapshot-age.js';
import { targetOptionValues } from './target-options.js';

export interface ImpactOptions extends RequirementInputOptions, GlobalOptions {
  readonly from: string;
  readonly to: string;
  readonly target?: readonly string[];
  readonly format?: ReportFormat;
  readonly output?: string;
  readonly option?: readonly string[];
  readonly maxAge?: string;
  /** Target flags (src/cli/target-options.ts), by their camel-cased keys. */
  readonly [key: string]: unknown;
}

export { reportFormatOption } from './flags.js';

export function runImpact(options: ImpactOptions, io: CliIo): number {
  return reportImpact(openSnapshot(options.from), () => openSnapshot(options.to), options, io);
}

/**
 * runImpact for the executable, which can wait: both files are read first and each gzip is inflated on libuv's
 * threadpool, the newer one while the older one is inflated and parsed (as `snapshot diff` does; issue 22). The same
 * output, the same first error, and the age warning at the same point.
 */
export async function runImpactOverlapped(options: ImpactOptions, io: CliIo): Promise<number> {
  const [from, to] = await openSnapshotsOverlapped(options.from, options.to);
  return reportImpact(from, () => to, options, io);
}

function reportImpact(from: Snapshot, openTo: () => Snapshot, options: ImpactOptions, io: CliIo): number {
  // --from is old on purpose; --to is what the configs are about to be made from.
  const to = watchSnapshotAge(openTo(), options);
  const requirements = requirementsFromOptions({ ...options, cloud: options.cloud ?? to.info.cloud }, to);
  const targets = options.target?.length ? [...new Set(options.target.flatMap((id) => (id.toLowerCase() === 'all' ? allTargets() : [findTarget(id)])))] : allTargets();
  const locations = requirementLocationsOf(options);
  const report = snapshotImpact({
    from,
    to,
    requirements,
    targets,
    // Translated as the configs were rendered (`--option format=terraform`, `--expand`), or it compares a format
    // nobody deploys; each target takes the options it declares, and an option none of them declares is refused.
    options: targetOptionValues(options, 'render', targets),
    ...(locations ? { locations } : {}),
  });
  const text = renderReport(report, options.json ? 'json' : (options.format ?? 'text'));
  writeOutput(io, text, options.output);
  return report.changed ? EXIT_DIFFERENT : EXIT_OK;
}

