/**
 * Signal propagation in deep random networks: fixed points, the order/chaos
 * phase diagram and depth scales (Poole et al. 2016, Schoenholz et al. 2017).
 * @packageDocumentation
 */
export { meanField, criticalWStd, type MeanField, type Scales } from './mean-field';
export { phaseDiagram, type PhaseDiagram } from './phase-diagram';
