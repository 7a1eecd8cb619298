export { linearize, type LinearizedFn } from './linearize';
export { gradientDescentMseWeights, type GradientDescentMseWeightsOptions, type GradientDescentMseWeightsFn } from './gradient-descent-mse-weights';
