/**
 * @tangent-lab/display — plots for tslab notebooks. Filled in by the display issue.
 * @packageDocumentation
 */
export const MIME_TYPE = 'application/vnd.tangent-lab.plot+json';
