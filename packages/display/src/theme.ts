/**
 * Light and dark themes: the colours that turn a {@link FigureSpec}'s palette
 * indices into a picture. The static pictures use {@link LIGHT}; the
 * JupyterLab renderer picks the theme of the front end.
 *
 * @example
 * ```ts
 * import { DARK, seriesColor } from '@tangent-lab/display/browser';
 * seriesColor(DARK, 0); // '#56b4e9'
 * ```
 */
export interface Theme {
  name: 'light' | 'dark';
  background: string;
  foreground: string;
  grid: string;
  axis: string;
  /** Series colours, cycled (Okabe–Ito, readable for colour-blind viewers). */
  palette: readonly string[];
  /** Opacity of a ±2σ band's fill. */
  bandOpacity: number;
}

export const LIGHT: Theme = {
  name: 'light',
  background: '#ffffff',
  foreground: '#1f2328',
  grid: '#e5e7eb',
  axis: '#6b7280',
  palette: ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'],
  bandOpacity: 0.2,
};

export const DARK: Theme = {
  name: 'dark',
  background: '#111111',
  foreground: '#e6e6e6',
  grid: '#333333',
  axis: '#9ca3af',
  palette: ['#56b4e9', '#e69f00', '#2fd1a0', '#f0a3d0', '#f0e442', '#7fb8ff', '#ffffff'],
  bandOpacity: 0.28,
};

/** The colour of series `index` (palette entries are cycled). */
export function seriesColor(theme: Theme, index: number): string {
  return theme.palette[index % theme.palette.length];
}

/** `#rrggbb` as `rgba(r, g, b, alpha)`. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
