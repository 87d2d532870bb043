/**
 * `tagwall path` (docs/paths.md): end-to-end answers across the hops of a topology file. One question
 * (`--from X --to DEST [--port P] [--protocol P]`) or every flow of a requirement set (`--requirements FILE` or
 * `--scenario S`, from the workload `--from`). Exit 0 when everything asked is delivered (and, for requirements,
 * nothing more), 1 otherwise, 2 on bad input.
 */
import { checkPaths } from '../paths/check.js';
import { loadTopology } from '../paths/load.js';
import { askPath } from '../paths/query.js';
import { checkHtml, pathHtml } from '../paths/html.js';
import { checkJson, checkMarkdown, checkText, pathJson, pathMarkdown, pathText } from '../paths/report.js';
import { loadTopologyFile } from '../paths/topology.js';
import { EXIT_DIFFERENT, EXIT_OK, usageError, writeOutput, type CliIo } from './io.js';
import { jsonPieces } from './json-pieces.js';
import { requirementsFromOptions, type RequirementInputOptions } from './requirements-input.js';
import { selectSnapshot, type SnapshotOptions } from './snapshot-source.js';

export interface PathOptions extends RequirementInputOptions, SnapshotOptions {
  readonly topology: string;
  readonly from: string;
  readonly to?: string;
  readonly port?: string;
  readonly protocol?: string;
  readonly json?: boolean;
  readonly format?: 'text' | 'json' | 'markdown' | 'html';
  readonly output?: string;
  readonly limit?: string;
}


export function runPath(options: PathOptions, io: CliIo): number {
  const checking = options.scenario !== undefined || options.requirements !== undefined;
  if (checking && options.to !== undefined) throw usageError('--to asks one question; --scenario/--requirements check every required flow of --from: give one or the other');
  if (!checking && options.to === undefined) throw usageError('path needs --to, or --scenario/--requirements');
  const limit = options.limit === undefined ? 10 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit must be a positive integer, not '${options.limit}'`);
  const snapshot = selectSnapshot(options);
  const topology = loadTopologyFile(options.topology);
  // Requirements first: a bad scenario is reported before any device is read.
  const requirements = checking ? requirementsFromOptions(options, snapshot) : undefined;
  const loaded = loadTopology(topology, snapshot);
  const format = options.json ? 'json' : (options.format ?? 'text');
  const snapshotText = `${snapshot.info.cloud} #${snapshot.info.changeNumber}`;
  if (requirements) {
    const check = checkPaths(loaded, options.from, requirements);
    const query = { topology: topology.name, from: options.from, snapshot: snapshotText };
    const text = format === 'json' ? jsonPieces(checkJson(query, check, limit)) : format === 'markdown' ? checkMarkdown(query, check, limit) : format === 'html' ? checkHtml(query, check, limit) : `${checkText(query, check, limit).join('\n')}\n`;
    writeOutput(io, text, options.output);
    return check.missing.isEmpty() && check.extra.isEmpty() ? EXIT_OK : EXIT_DIFFERENT;
  }
  const question = askPath(loaded, options.from, options.to!, { ...(options.port === undefined ? {} : { ports: options.port }), ...(options.protocol === undefined ? {} : { protocol: options.protocol }) });
  const query = { topology: topology.name, from: options.from, to: options.to!, snapshot: snapshotText };
  const text = format === 'json' ? jsonPieces(pathJson(query, question.result, limit)) : format === 'markdown' ? pathMarkdown(query, question.result, limit) : format === 'html' ? pathHtml(query, question.result, limit) : `${pathText(query, question.result, limit).join('\n')}\n`;
  writeOutput(io, text, options.output);
  return question.result.drops.length === 0 && !question.result.flows.isEmpty() ? EXIT_OK : EXIT_DIFFERENT;
}
