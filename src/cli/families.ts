/**
 * The CLI's family bundles (issue 22: a command reads only the code it can run). Besides dist/cli-main.cjs, which
 * holds every command, the build makes one bundle per family below (dist/cli-family-NAME.cjs, scripts/tsup.config.ts):
 * the same build of executable.ts with the command modules (lazy-commands.ts) and target kits (bundled-kit-modules.ts)
 * outside the family replaced by a stub that throws the family-miss sentinel (family-miss.ts) when initialised. What
 * the family's own modules import stays in, so a family bundle runs its commands exactly as the full one does, and
 * shares no module with any other bundle. A cold command reads and compiles less text: the full bundle is 1.28 MB,
 * the snapshot family ~0.3 MB, the netfilter one ~0.65 MB (docs/performance.md, round 24).
 *
 * The bin (bin.ts) picks a family by familyFor, an exact and conservative look at the arguments; anything else runs
 * the full bundle. A wrong pick costs time, never output: a family that meets a command or kit it does not hold
 * hands the same arguments to the full bundle before it has written anything (family-miss.ts).
 */

export interface Family {
  /** The command modules (lazy-commands.ts, by file name without `.js`) the bundle holds. */
  readonly commands: readonly string[];
  /** The target kits (bundled-kit-modules.ts, by directory under src/targets/) the bundle holds. */
  readonly kits: readonly string[];
}

export const FAMILIES = {
  // `targets` is left out: it lists every target, so its module brings all eight kits (0.9 MB with it, 0.3 without).
  snapshot: { commands: ['snapshot', 'expand', 'tags'], kits: [] },
  netfilter: { commands: ['render'], kits: ['netfilter/nftables', 'netfilter/iptables'] },
} as const satisfies Readonly<Record<string, Family>>;

export type FamilyName = keyof typeof FAMILIES;

/** The one-word targets the netfilter family renders, as `--target` names them. */
const NETFILTER_TARGETS: ReadonlySet<string> = new Set(['nftables', 'iptables']);

/**
 * The family whose bundle runs `argv` (the words after the executable), or undefined for the full bundle. Only the
 * command as the first word: a global option before it takes the full bundle. `snapshot` with any subcommand but
 * `fetch` (its own module, and the network) or none (help); `expand` and `tags`; `render` naming exactly one target,
 * `nftables` or `iptables`, once (`--target X` or `--target=X`), with no project file to run it through (no
 * `--project`, and `projectFileHere` false: main.ts runAsync then loads the project runner, which the family lacks,
 * and every such run would read the family bundle for nothing).
 */
export function familyFor(argv: readonly string[], projectFileHere: () => boolean = () => false): FamilyName | undefined {
  const [command, second] = argv;
  if (command === 'expand' || command === 'tags') return 'snapshot';
  if (command === 'snapshot') return second === 'fetch' ? undefined : 'snapshot';
  if (command !== 'render' || argv.some((word) => word === '--project' || word.startsWith('--project='))) return undefined;
  const targets: (string | undefined)[] = [];
  argv.forEach((word, index) => {
    if (word === '--target') targets.push(argv[index + 1]);
    else if (word.startsWith('--target=')) targets.push(word.slice('--target='.length));
  });
  return targets.length === 1 && NETFILTER_TARGETS.has(targets[0] ?? '') && !projectFileHere() ? 'netfilter' : undefined;
}
