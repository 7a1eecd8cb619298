/**
 * Training dynamics without training (Lee et al. 2019, eqs. 10–16, 20–26, S19–S31):
 * closed-form gradient flow on MSE, the mean and covariance of infinite
 * ensembles at any time t, exact GP inference, any loss through an ODE solver,
 * and the largest stable learning rate. Names and conventions follow Neural
 * Tangents' `nt.predict`, and like it these depend on kernels only; the
 * weight-space closed form `gradientDescentMseWeights`, which needs the
 * network, lives beside `linearize` and is re-exported here.
 * @packageDocumentation
 */
export { gradientDescentMse, type GradientDescentMseOptions, type GradientDescentMsePredictFn, type Outputs } from './gradient-descent-mse';
export {
  gradientDescentMseEnsemble,
  type EnsembleKernelFn,
  type EnsembleQuery,
  type EnsemblePredictFn,
  type EnsembleResult,
  type GradientDescentMseEnsembleOptions,
  type ForGet,
  type ForTimes,
  type Field,
} from './gradient-descent-mse-ensemble';
export { gradientDescentMseWeights, type GradientDescentMseWeightsOptions, type GradientDescentMseWeightsFn } from '../linearize/gradient-descent-mse-weights';
export {
  gpInference,
  type GpGet,
  type GpGaussian,
  type GpInferenceOptions,
  type GpPredictFn,
  type GpQuery,
  type KernelMatrices,
  type ForGpGet,
  type QueryField,
  type TestTest,
} from './gp-inference';
export type { Gaussian, GaussianWithCov, GaussianWithVariance, MeanOnly, GaussianFor, ByGet, Prediction, PredictionWithTest, TrainPrediction } from './results';
export { gradientDescent, type GradientDescentOptions, type GradientDescentPredictFn, type LossGradient } from './gradient-descent';
export { maxLearningRate } from './max-learning-rate';
