export { monteCarloKernelFn, type MonteCarloKernelFn, type MonteCarloOptions } from './monte-carlo';
