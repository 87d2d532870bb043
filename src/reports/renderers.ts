/**
 * The report renderers, one getter per format: render.ts reaches a renderer's module only through here. In the
 * library and the tests each getter hands over a module imported with this one; the CLI bundle takes
 * src/cli/bundled-renderers.ts for this module (scripts/tsup.config.ts), where each renderer's module is initialised on
 * its first call, so a command that prints its classic text answer initialises none of them (issue 22).
 */
import * as html from './html.js';
import * as markdown from './markdown.js';
import * as sarif from './sarif.js';
import * as text from './text.js';

export interface ReportRenderers {
  readonly html: () => typeof html;
  readonly markdown: () => typeof markdown;
  readonly sarif: () => typeof sarif;
  readonly text: () => typeof text;
}

export const RENDERERS: ReportRenderers = {
  html: () => html,
  markdown: () => markdown,
  sarif: () => sarif,
  text: () => text,
};
