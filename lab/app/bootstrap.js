// The entry of the JupyterLab page that `npm run lab` serves.
//
// JupyterLab's prebuilt ("federated") extensions — ours among them — are
// separate module-federation containers listed by the server in the page
// config. Every container has to join the shared scope before any shared
// module (@lumino/widgets, @jupyterlab/rendermime, …) is first used, so that
// one copy of each singleton is picked for the whole page. This file therefore
// imports nothing statically: it reads the page config by hand, loads and
// initialises the containers, and only then imports the application.

function pageConfig() {
  const element = document.getElementById('jupyter-config-data');
  return element ? JSON.parse(element.textContent || '{}') : {};
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.async = true;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load the extension script ${url}`));
    script.src = url;
    document.head.appendChild(script);
  });
}

async function joinSharedScope(url, name) {
  await loadScript(url);
  const container = window._JUPYTERLAB?.[name];
  if (!container) throw new Error(`the script ${url} did not define the extension container ${name}`);
  await __webpack_init_sharing__('default');
  await container.init(__webpack_share_scopes__.default);
}

async function start() {
  const config = pageConfig();
  __webpack_public_path__ = `${config.fullStaticUrl || ''}/`;
  const extensions = config.federated_extensions || [];
  const results = await Promise.allSettled(extensions.map((e) => joinSharedScope(`${config.fullLabextensionsUrl}/${e.name}/${e.load}`, e.name)));
  for (const result of results) {
    if (result.status === 'rejected') console.error(result.reason);
  }
  const { main } = await import('./main.js');
  await main(extensions);
}

void start();
