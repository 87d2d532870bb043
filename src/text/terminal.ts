/**
 * Text for a terminal: the text report and everything on standard error (diagnostics, error messages quote the
 * user's input). An escape character or a C1 CSI (U+009B) in a requirement id would otherwise drive the reader's
 * terminal (clear the screen, hide lines, retitle the window); line breaks and tabs stay.
 */
import { keepLines } from './line.js';

export function terminalText(text: string): string {
  return keepLines(text);
}
