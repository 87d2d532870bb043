/**
 * Headless Chromium for tests that check a page as a browser builds it. Debian's `chromium` package (`.ci/run`
 * installs it); tests skip with `CHROMIUM_SKIP_REASON` where it is absent, never pass without it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter((name): name is string => Boolean(name));
  for (const name of candidates) {
    const probe = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return name;
  }
  return undefined;
}

export const CHROMIUM: string | undefined = findChromium();

export const CHROMIUM_SKIP_REASON =
  'headless Chromium not found (install Debian package `chromium`, or set CHROMIUM to a binary): the HTML DOM check did not run';

/**
 * The DOM Chromium builds from a local file, serialised (`--dump-dom`). The network is cut off twice over: no
 * host resolves (`--host-resolver-rules`) and the page's own Content-Security-Policy forbids fetches, so a
 * report that tried to load anything would render without it rather than reach out.
 */
export function dumpDom(file: string): string {
  if (!CHROMIUM) throw new Error(CHROMIUM_SKIP_REASON);
  const profile = mkdtempSync(join(tmpdir(), 'tagwall-chromium-'));
  try {
    return execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--host-resolver-rules=MAP * ~NOTFOUND',
        `--user-data-dir=${profile}`,
        '--dump-dom',
        pathToFileURL(file).href,
      ],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
