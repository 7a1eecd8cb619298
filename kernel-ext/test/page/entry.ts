// The test page: our renderer factory registered in JupyterLab's real
// RenderMimeRegistry (with the standard factories for text/html, SVG, text),
// rendering a bundle the way a notebook output area does.
import { MimeModel, RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import { rendererFactory } from '../../lib/index.js';

interface Mounted {
  mime: string;
}

declare global {
  interface Window {
    mountBundle(bundle: Record<string, unknown>, trusted: boolean): Promise<Mounted>;
    disposeRenderer(): void;
  }
}

let current: Widget | undefined;

window.mountBundle = async (bundle, trusted) => {
  const registry = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
  registry.addFactory(rendererFactory, 0);
  const mime = registry.preferredMimeType(bundle, trusted ? 'any' : 'ensure');
  if (!mime) throw new Error('no renderer for this bundle');
  const renderer = registry.createRenderer(mime);
  current = renderer;
  Widget.attach(renderer, document.getElementById('host')!);
  await renderer.renderModel(new MimeModel({ data: bundle as never, trusted }));
  return { mime };
};

window.disposeRenderer = () => current?.dispose();
