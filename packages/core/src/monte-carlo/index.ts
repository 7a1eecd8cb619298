export { monteCarloKernelFn, type MonteCarloKernelFn, type MonteCarloKernelListFn, type MonteCarloOptions } from './monte-carlo';
