import { KernelError } from './errors';

/** A Jupyter `display_data` message's content. */
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** tslab's internal writer: sends `display_data`, or `update_display_data` when `update` is true. */
export type WriteDisplayData = (content: DisplayContent, update: boolean) => void;

/**
 * The running tslab kernel's display writer.
 *
 * tslab's public `display` sends one MIME type per message. The writer behind
 * it, `lastWriteDisplayData` of tslab's `dist/jupyter.js`, takes a whole MIME
 * bundle, so the front end can choose among our representations. The kernel
 * process may have loaded more than one copy of tslab (a global one starting a
 * local one); only the copy executing cells has the writer set, so we look at
 * every loaded copy. Found through the module cache, not `require('tslab')`,
 * so no copy of tslab is loaded just to look.
 */
export function kernelWriter(): WriteDisplayData {
  const writer = findKernelWriter();
  if (writer) return writer;
  throw new KernelError(
    'show() needs a running tslab kernel (a notebook cell); elsewhere use figure.toBundle() to get the MIME bundle, or figure.toString() for a summary',
  );
}

/** The running tslab kernel's display writer, or undefined outside a kernel. */
export function findKernelWriter(): WriteDisplayData | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const writer = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === 'function') return writer as WriteDisplayData;
  }
  return undefined;
}
