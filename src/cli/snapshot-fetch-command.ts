/** `tagwall snapshot fetch`, declared; what it does is snapshot-fetch.ts, loaded when it runs (lazy-commands.ts). */
import { Option, type Command } from 'commander';
import type { CommandContext } from './context.js';
import { loadCommandModule } from './lazy-commands.js';

export function registerSnapshotFetch(snapshot: Command, context: CommandContext): void {
  snapshot
    .command('fetch')
    .description("download this week's service tags from Microsoft, validate them and keep them under a dated name")
    .option('--cloud <cloud>', 'Public, AzureGovernment, China, or all', 'Public')
    .option('--dir <dir>', 'where to keep them', 'servicetags')
    .addOption(new Option('--source <source>', "download: Microsoft's Download Center page; api: Resource Manager's serviceTags API (needs a token)").choices(['download', 'api']).default('download'))
    .option('--subscription <id>', 'for --source api: the subscription (default AZURE_SUBSCRIPTION_ID, or az account)')
    .option('--location <region>', 'for --source api: any region of the cloud (the answer covers the whole cloud)')
    .option('--base-url <url>', 'the Download Center (or, with --source api, Resource Manager) URL to use instead of Microsoft\'s: a mirror, or a test server')
    .option('--force', 'replace a kept file of the same name whose content differs')
    .addHelpText(
      'after',
      '\nProxies: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY are honoured (lower case too).\n' +
        'Tokens for --source api: AZURE_ACCESS_TOKEN, else `az account get-access-token`.\n\n' +
        'Examples:\n  tagwall snapshot fetch --dir network/servicetags\n  tagwall snapshot fetch --cloud all\n  tagwall snapshot fetch --source api --cloud AzureGovernment',
    )
    .action((_options, command: Command) =>
      context.defer(async () => context.setExitCode(await (await loadCommandModule('snapshotFetch')).runSnapshotFetch(command.optsWithGlobals(), context.io))),
    );
}
