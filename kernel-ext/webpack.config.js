// Extra webpack settings merged into @jupyterlab/builder's configuration.
// plotly.js-dist-min comes minified: minifying it again took most of a minute
// of the build, for no smaller file, so its chunk is left as it is.
const { createRequire } = require('node:module');

const fromBuilder = createRequire(require.resolve('@jupyterlab/builder/package.json'));
const TerserPlugin = fromBuilder('terser-webpack-plugin');

module.exports = {
  module: { noParse: /plotly\.js-dist-min[\\/]plotly\.min\.js$/ },
  optimization: { minimizer: [new TerserPlugin({ exclude: /^plotly\./ })] },
};
