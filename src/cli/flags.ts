/**
 * The flags several commands share, declared without what reads them: this module is loaded at start-up by every
 * command's declaration (the `*-command.ts` files), so it imports commander and nothing heavy (issue 22). The
 * modules that read the values re-export these for the code that imported them there.
 */
import { Option, type Command } from 'commander';
import { collect } from './io.js';

/** The report formats of src/reports (REPORT_FORMATS there; test/cli-lazy.test.ts checks they agree). */
const REPORT_FORMAT_CHOICES = ['text', 'json', 'markdown', 'html', 'sarif'] as const;

export const cloudOption = (): Option => new Option('--cloud <cloud>', 'Public (default), AzureGovernment or China');
export const snapshotFileOption = (): Option => new Option('--snapshot <file>', 'a ServiceTags_*.json(.gz) file instead of the embedded snapshot');

/** `--format` for every command that prints a report (`impact`, and `check` / `equiv` through the lead's wiring). */
export function reportFormatOption(): Option {
  return new Option('--format <format>', 'report format').choices([...REPORT_FORMAT_CHOICES]).default('text');
}

/** Adds the scenario parameters (for `scenario:NAME` operands and `--scenario`). */
export function addScenarioParameterOptions(command: Command): Command {
  return command
    .option('--region <region>', 'workspace region (ARM name, e.g. westus)')
    .option('--secondary-region <region>', 'paired region (default: the published pair of --region)')
    .option('--storage-account <name>', "the workspace's storage account name")
    .option('--subnet <cidr>', 'the compute subnet (default: the VirtualNetwork tag)')
    .option('--private-endpoint-subnet <cidr>', 'the subnet of the private endpoints (default: the VirtualNetwork tag)')
    .option('--dns-server <address>', 'a custom DNS server the compute uses (adds its DNS flows)')
    .option('--firewall-address <address>', 'forced-tunnelling: the hub firewall private IP, next hop of the 0.0.0.0/0 route')
    .option('--set <key=value>', 'a scenario option or parameter, repeatable (e.g. --set packages=python,r)', collect);
}

/** Adds `--scenario` / `--requirements` and the scenario parameters to a command. */
export function addRequirementOptions(command: Command): Command {
  command
    .option('--scenario <id>', 'a catalogue scenario (see tagwall catalog list)')
    .option('--requirements <file>', 'a requirements file (YAML or JSON); repeatable, the files merge (ids must stay unique)', collect);
  return addHostsOption(addScenarioParameterOptions(command));
}

/** `--hosts FILE`: the addresses of host names used as sources (docs/requirements.md, "Host names as sources"). */
export function addHostsOption(command: Command): Command {
  return command.option('--hosts <file>', 'addresses of host names used as requirement sources, in /etc/hosts form');
}

/**
 * The flags of the config readers (src/inputs, docs/inputs.md): ARM template parameters, Terraform variables and
 * the IP Groups that `az` firewall rules name. Shared by every analysis command (read by reader-options.ts).
 */
export function addReaderOptions(command: Command): Command {
  return command
    .option('--parameters <file>', 'ARM parameters file for a template or Bicep config (deploymentParameters schema), repeatable', collect)
    .option('--param <name=value>', 'a template or Bicep parameter value, repeatable (wins over --parameters)', collect)
    .option('--var <name=value>', 'a Terraform variable value for an HCL config, repeatable', collect)
    .option('--var-file <file>', 'a Terraform .tfvars (or .tfvars.json) file for an HCL config, repeatable', collect)
    .option('--ip-groups <path>', 'az network ip-group list output (a file, or a directory of .json files) for IP Groups named by id', collect)
    .option('--select <name>', 'the one NSG, route table, rule collection group or firewall to read from a config that holds several');
}
