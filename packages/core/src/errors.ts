/**
 * Errors raised by Tangent Lab. Every error is raised before any work starts
 * and says what was wrong and how to fix it.
 */

/** Base class of every error Tangent Lab raises on purpose. */
export class TangentLabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Arrays whose shapes do not fit together (ragged, empty, mismatched dimensions). */
export class ShapeError extends TangentLabError {}

/** Values that are not allowed: NaN or ±Infinity, negative scales, bad option values. */
export class InputError extends TangentLabError {}

/** An option name that the function does not know (a typo must not be silently ignored). */
export class OptionError extends TangentLabError {}

/** A numerical failure: a kernel that is not positive semi-definite, a diverging run, a step-size underflow. */
export class NumericalError extends TangentLabError {}
