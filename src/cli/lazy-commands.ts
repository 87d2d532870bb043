/**
 * Commands declared cheaply, implemented lazily (issue 22: a CLI that starts like a small program). The `*-command.ts`
 * files declare names, arguments, flags and help; what a command does lives in its own module, imported with a
 * dynamic `import()` only when that command runs. In the CLI bundle (dist/cli-main.cjs) esbuild turns each `import()`
 * into the module's lazy initialiser, so `tagwall --version`, `--help` or `expand` never run the translators, the
 * analysis or the catalogue (and with the code cache, never compile them).
 *
 * The executable (`runAsync`) loads a command's module when its action runs: the action is deferred (CommandContext
 * `defer`), awaited, then run as before. The synchronous `run` cannot wait: it needs `await loadCommandModules()`
 * first (the tests do it once), and says so when it is missing.
 */
import type { CommandContext } from './context.js';
import { fullBundleOnMiss } from './family-miss.js';

/** Every command implementation module, by a short name. One `import()` each: one lazy initialiser each in the bundle. */
const MODULES = {
  analysis: () => import('./analysis.js'),
  catalog: () => import('./catalog.js'),
  expand: () => import('./expand.js'),
  impact: () => import('./impact.js'),
  path: () => import('./path.js'),
  project: () => import('./project.js'),
  render: () => import('./render.js'),
  snapshot: () => import('./snapshot.js'),
  snapshotFetch: () => import('./snapshot-fetch.js'),
  tags: () => import('./tags.js'),
  targets: () => import('./targets.js'),
} as const;

type Modules = typeof MODULES;
export type CommandModuleName = keyof Modules;
export type CommandModule<Name extends CommandModuleName> = Awaited<ReturnType<Modules[Name]>>;

const loaded = new Map<CommandModuleName, unknown>();

/** The module, importing it on first use. */
export async function loadCommandModule<Name extends CommandModuleName>(name: Name): Promise<CommandModule<Name>> {
  // In a family bundle (families.ts), a module outside the family is a stub that throws: the full bundle runs instead.
  if (!loaded.has(name)) loaded.set(name, await MODULES[name]().catch(fullBundleOnMiss));
  return loaded.get(name) as CommandModule<Name>;
}

/** Imports every command's module, so the synchronous `run` can run any command (tests; an embedding caller). */
export async function loadCommandModules(): Promise<void> {
  await Promise.all((Object.keys(MODULES) as CommandModuleName[]).map((name) => loadCommandModule(name)));
}

/** The module if it is loaded (the synchronous `run`, after loadCommandModules). */
export function loadedCommandModule<Name extends CommandModuleName>(name: Name): CommandModule<Name> | undefined {
  return loaded.get(name) as CommandModule<Name> | undefined;
}

/** True when every command's module is loaded (what the synchronous `run` needs). */
export function commandModulesLoaded(): boolean {
  return loaded.size === Object.keys(MODULES).length;
}

/**
 * A commander action whose work is in module `name`: run at once when the module is loaded, else deferred until
 * the executable has imported it. `act` gets the module and commander's action arguments, unchanged. `actDeferred`,
 * when given, runs instead of `act` in the deferred case: the executable can wait there (the synchronous `run`, with
 * every module loaded, cannot), so a command may start I/O on libuv's threadpool (snapshot diff, impact). In a family
 * bundle, a module or target kit outside the family hands the run to the full bundle (family-miss.ts).
 */
export function lazyAction<Name extends CommandModuleName, Args extends unknown[]>(
  context: Pick<CommandContext, 'defer'>,
  name: Name,
  act: (module: CommandModule<Name>, ...args: Args) => void,
  actDeferred: (module: CommandModule<Name>, ...args: Args) => void | Promise<void> = act,
): (...args: Args) => void {
  return (...args: Args) => {
    if (loaded.has(name)) return act(loaded.get(name) as CommandModule<Name>, ...args);
    context.defer(async () => {
      const module = await loadCommandModule(name);
      // A target kit outside a family bundle is met inside the action (render asks for its kits before it writes).
      try {
        return await actDeferred(module, ...args);
      } catch (error) {
        return fullBundleOnMiss(error);
      }
    });
  };
}
