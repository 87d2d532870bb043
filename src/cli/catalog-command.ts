/** The catalogue commands (`catalog list|show|conflicts|compare`, `import-dependencies`), declared; what they do is catalog.ts, loaded when one runs (lazy-commands.ts). */
import type { Command } from 'commander';
import type { ImportDependenciesOptions } from './catalog.js';
import type { CommandContext } from './context.js';
import { addScenarioParameterOptions, cloudOption } from './flags.js';
import { usageError } from './io.js';
import { lazyAction } from './lazy-commands.js';

export function registerCatalogCommands(program: Command, context: CommandContext): void {
  const { io, setExitCode, defer } = context;
  const catalog = program.command('catalog').description('the Azure Machine Learning network requirements, by scenario');
  catalog
    .command('list')
    .description('the scenarios, with the clouds they apply to')
    .action(lazyAction(context, 'catalog', (catalog, _options: unknown, command: Command) => setExitCode(catalog.runCatalogList(command.optsWithGlobals(), io))));
  const show = catalog
    .command('show')
    .description('the requirements of a scenario: direction, protocol, ports, peer, purpose, source article')
    .argument('<scenario>', 'scenario id (see tagwall catalog list)')
    .option('--format <format>', 'table (default), yaml, json or md')
    .option('--prerequisites', 'what the deployment needs besides flows: private endpoints and DNS zones, DNS forwarding, resource firewalls, routes, subnet rules')
    .addOption(cloudOption());
  addScenarioParameterOptions(show).action(lazyAction(context, 'catalog', (catalog, scenario: string, _options: unknown, command: Command) =>
    setExitCode(catalog.runCatalogShow(scenario, command.optsWithGlobals(), io)),
  ));
  catalog
    .command('conflicts')
    .description('where the source articles disagree, and which reading the catalogue uses')
    .option('--scenario <id>', 'only the conflicts that shape this scenario')
    .action(lazyAction(context, 'catalog', (catalog, _options: unknown, command: Command) => setExitCode(catalog.runCatalogConflicts(command.optsWithGlobals(), io))));
  const compare = catalog
    .command('compare')
    .description('what a Dependencies API response has that a scenario lacks, and the reverse; exit 1 when they differ')
    .requiredOption('--dependencies <file>', 'an outboundNetworkDependenciesEndpoints response (JSON)')
    .requiredOption('--scenario <id>', 'the scenario to compare with')
    .addOption(cloudOption());
  addScenarioParameterOptions(compare).action(lazyAction(context, 'catalog', (catalog, _options: unknown, command: Command) => setExitCode(catalog.runCatalogCompare(command.optsWithGlobals(), io))));
  program
    .command('import-dependencies')
    .description('a Dependencies API response (outboundNetworkDependenciesEndpoints) as a requirements file')
    .argument('[file]', 'the JSON response, saved; or call the API with --workspace')
    .option('--format <format>', 'yaml (default) or json')
    .option('--workspace <id>', "call the workspace's Dependencies API: its ARM id, or its name with --resource-group (token: AZURE_ACCESS_TOKEN or az)")
    .option('--resource-group <name>', 'with --workspace NAME: its resource group')
    .option('--subscription <id>', 'with --workspace NAME: its subscription (default AZURE_SUBSCRIPTION_ID, or az account)')
    .addOption(cloudOption())
    .option('--base-url <url>', "Resource Manager's URL instead of the cloud's (TAGWALL_ARM_URL): a test server")
    .action(
      lazyAction(context, 'catalog', (catalog, file: string | undefined, _options: unknown, command: Command) => {
        const options = command.optsWithGlobals<ImportDependenciesOptions>();
        if ((file === undefined) === (options.workspace === undefined)) throw usageError('import-dependencies takes a saved response FILE or --workspace ID (one of them)');
        if (file !== undefined) setExitCode(catalog.runImportDependencies(file, options, io));
        else defer(async () => setExitCode(await catalog.runImportLiveDependencies({ ...options, workspace: options.workspace! }, io)));
      }),
    );
}
