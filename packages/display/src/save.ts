import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { InputError } from './errors';
import { escapeXml } from './escape';
import { interactiveHtml } from './html';
import { checkOptions, describe } from './input/options';
import { displayHtml, displaySvg, isPlot } from './render-display';
import type { DisplaySpec } from './spec';

/** Options of `figure.save`. */
export interface SaveOptions {
  /** PNG only: pixels per unit of the 640×400 picture (default 2, for sharp text on high-density screens). */
  scale?: number;
}

/** The part of @resvg/resvg-js that `save` uses. */
interface ResvgModule {
  Resvg: new (svg: string, options: object) => { render(): { asPng(): Buffer } };
}

/**
 * Writes a figure to `path` by its extension: `.svg`, `.html` or `.png`.
 * Everything is checked before the file is opened, so a bad call leaves no
 * file behind.
 */
export function saveFigure(spec: DisplaySpec, path: string, options: SaveOptions = {}): void {
  const where = 'figure.save';
  checkOptions(where, options, ['scale']);
  if (typeof path !== 'string' || path === '') throw new InputError(`${where}: path must be a file name ending in .svg, .html or .png, got ${describe(path)}`);
  const ext = extname(path).toLowerCase();
  if (!['.svg', '.html', '.htm', '.png'].includes(ext)) {
    throw new InputError(`${where}: cannot write "${path}": the file name must end in .svg, .html or .png`);
  }
  const scale = options.scale ?? 2;
  if (typeof scale !== 'number' || !(scale > 0) || scale > 16)
    throw new InputError(`${where}: scale must be a number in (0, 16], got ${describe(options.scale)}`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${where}: cannot write "${path}": the directory ${dir} does not exist`);
  const svg = displaySvg(spec);
  if (ext === '.svg') {
    writeFileSync(path, `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
  } else if (ext === '.png') {
    writeFileSync(path, rasterize(svg, scale));
  } else {
    const title = escapeXml(('title' in spec ? spec.title : undefined) ?? spec.kind);
    const body = isPlot(spec) ? interactiveHtml(spec, svg, true) : displayHtml(spec, svg);
    writeFileSync(
      path,
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body style="margin:16px">\n${body}\n</body></html>\n`,
    );
  }
}

/** The SVG as PNG by resvg (a Rust rasterizer shipped prebuilt in its npm package), using the system's fonts. */
function rasterize(svg: string, scale: number): Buffer {
  let resvg: ResvgModule;
  try {
    // Loaded lazily: only PNG needs the native rasterizer.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    resvg = require('@resvg/resvg-js') as ResvgModule;
  } catch (error) {
    throw new InputError(
      `figure.save: writing PNG needs @resvg/resvg-js, which did not load here (${(error as Error).message}); save as .svg or .html instead`,
    );
  }
  const renderer = new resvg.Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return renderer.render().asPng();
}
