/**
 * Errors raised by @tangent-lab/display. They carry the same class names as
 * those of @tangent-lab/core, and every one is raised before any drawing
 * starts, naming the argument that was wrong. They are not imported from core
 * because the figure parser using them also runs in the browser (the
 * JupyterLab renderer), where core's Node-only modules cannot be bundled.
 */

/** Base class of every error this package raises on purpose. */
export class TangentLabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Arrays whose lengths or shapes do not fit together, or that are empty. */
export class ShapeError extends TangentLabError {}

/** Values that are not allowed: NaN or ±Infinity, negative standard deviations, bad option values. */
export class InputError extends TangentLabError {}

/** An option name that the function does not know (a typo must not be silently ignored). */
export class OptionError extends TangentLabError {}

/** `show()` was called outside a running tslab kernel, where there is no front end to send to. */
export class KernelError extends TangentLabError {}
