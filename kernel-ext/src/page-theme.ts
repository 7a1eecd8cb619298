import { DARK, LIGHT, type Theme } from '@tangent-lab/display/browser';

/**
 * The theme of the JupyterLab page: light or dark from the
 * `data-jp-theme-light` attribute JupyterLab keeps on `<body>`, with the
 * background, text and grid colours of the theme's CSS variables when set.
 */
export function pageTheme(): Theme {
  const body = document.body;
  const base = body.dataset.jpThemeLight === 'false' ? DARK : LIGHT;
  const style = getComputedStyle(body);
  const css = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    ...base,
    background: css('--jp-rendermime-background', css('--jp-layout-color0', base.background)),
    foreground: css('--jp-ui-font-color1', base.foreground),
    grid: css('--jp-border-color2', base.grid),
    axis: css('--jp-ui-font-color2', base.axis),
  };
}

/** Calls `onChange` whenever JupyterLab switches theme; returns the function that stops watching. */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name'] });
  return () => observer.disconnect();
}
