/**
 * The flags of the config readers (src/inputs, docs/inputs.md): ARM template parameters, Terraform variables and
 * the IP Groups that `az` firewall rules name. Shared by every analysis command.
 */
import { TagwallError } from '../errors.js';
import type { ReaderOptions } from '../inputs/read.js';
import { READERS } from '../inputs/readers.js';
import { readInputFile } from './write-files.js';

export interface ReaderFlagValues {
  readonly parameters?: readonly string[];
  readonly param?: readonly string[];
  readonly var?: readonly string[];
  readonly varFile?: readonly string[];
  readonly ipGroups?: readonly string[];
  readonly region?: string;
  readonly select?: string;
}

// The flags are declared in flags.ts (loaded at start-up, without the readers); re-exported here.
export { addReaderOptions } from './flags.js';

function pairs(items: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const equals = item.indexOf('=');
    if (equals <= 0) throw new TagwallError('TW_USAGE', `${flag} expects name=value, not '${item}'`);
    out[item.slice(0, equals).trim()] = item.slice(equals + 1);
  }
  return out;
}

function files(paths: readonly string[] | undefined): Array<{ content: string; file: string }> {
  return (paths ?? []).map((file) => ({ content: readInputFile(file).toString('utf8'), file }));
}

/** The reader options the flags give; `--region` is `resourceGroup().location` of templates. */
export function readerOptionsFrom(options: ReaderFlagValues): ReaderOptions {
  return {
    parameterFiles: files(options.parameters),
    parameters: pairs(options.param, '--param'),
    variables: pairs(options.var, '--var'),
    variableFiles: files(options.varFile),
    ipGroups: (options.ipGroups ?? []).flatMap((path) => READERS.az().readIpGroupSources(path)),
    ...(options.region !== undefined ? { location: options.region } : {}),
    ...(options.select !== undefined ? { select: options.select } : {}),
  };
}
