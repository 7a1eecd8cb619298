"""Serves the JupyterLab front-end built by lab/build.mjs on Debian's jupyter_server.

Run by lab/start.mjs (`npm run lab`), which passes everything as options:

    tangent_lab_server.py --app-dir DIR --root-dir DIR --data-dir DIR
                          [--ip 127.0.0.1] [--port 8888] [--port-retries 50]
                          [--default-url /lab] [--expose-app]

The token comes from the JUPYTER_TOKEN environment variable (never the command
line, where other users could read it).

Debian 12 ships jupyter_server 1.23 and jupyterlab_server 2.16, while the
front-end is JupyterLab 4.6, which also asks for three endpoints that came
with later servers. They are answered here with what a server that has no
such feature says:
- /api/me (identity): the local user, with no special permissions;
- /api/events/subscribe: a websocket on which no event is ever sent;
- /lsp/status (jupyter-lsp): no language servers.
Ctrl-C (SIGINT) and SIGTERM stop the server at once, without the usual
"Shutdown this Jupyter server (y/[n])?" question, shutting down every kernel
first.
"""
import argparse
import getpass
import json
import os
import signal
import sys

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyterlab_server import LabServerApp
from tornado import web, websocket
from traitlets import default
from traitlets.config import Config


class IdentityHandler(APIHandler):
    """GET /api/me: who the user is (jupyter_server 2's identity API)."""

    @web.authenticated
    def get(self):
        name = getpass.getuser()
        identity = {
            "username": name,
            "name": name,
            "display_name": name,
            "initials": name[:1].upper(),
            "avatar_url": None,
            "color": None,
        }
        self.finish(json.dumps({"identity": identity, "permissions": {}}))


class EventsHandler(JupyterHandler, websocket.WebSocketHandler):
    """The event stream of jupyter_server 2: it accepts subscribers and has nothing to send."""

    async def get(self, *args, **kwargs):
        if self.current_user is None:
            raise web.HTTPError(403)
        await websocket.WebSocketHandler.get(self, *args, **kwargs)

    def on_message(self, message):
        pass


class LanguageServerStatusHandler(APIHandler):
    """GET /lsp/status: jupyter-lsp's answer when no language server is installed."""

    @web.authenticated
    def get(self):
        self.finish(json.dumps({"version": 2, "sessions": {}, "specs": {}}))


class TangentLab(LabServerApp):
    """JupyterLab's page, settings, themes and workspaces for our own front-end build."""

    name = "tangent_lab"
    app_name = "JupyterLab"
    extension_url = "/lab"
    default_url = "/lab"
    load_other_extensions = False
    page_config_extra = {}
    jupyterlab_version = ""

    @default("app_version")
    def _default_app_version(self):
        return self.jupyterlab_version

    def initialize_settings(self):
        super().initialize_settings()
        self.settings.setdefault("page_config_data", {}).update(self.page_config_extra)

    def initialize_handlers(self):
        self.handlers.extend([
            (r"/api/me", IdentityHandler),
            (r"/api/events/subscribe", EventsHandler),
            (r"/lsp/status", LanguageServerStatusHandler),
        ])
        super().initialize_handlers()


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": TangentLab}]


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-dir", required=True, help="the build of lab/build.mjs (static/, schemas/, themes/)")
    parser.add_argument("--root-dir", required=True, help="the directory the file browser opens")
    parser.add_argument("--data-dir", required=True, help="the project-local Jupyter data directory (kernels/, labextensions/, lab/)")
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--port-retries", type=int, default=50)
    parser.add_argument("--default-url", default="/lab")
    parser.add_argument("--expose-app", action="store_true", help="set window.jupyterapp (for browser tests)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    app_dir = os.path.abspath(args.app_dir)
    data_dir = os.path.abspath(args.data_dir)
    lab_dir = os.path.join(data_dir, "lab")
    TangentLab.page_config_extra = {"exposeAppInBrowser": args.expose_app}
    TangentLab.default_url = args.default_url
    TangentLab.jupyterlab_version = read_app_version(app_dir)
    config = Config()
    config.ServerApp.ip = args.ip
    config.ServerApp.port = args.port
    config.ServerApp.port_retries = args.port_retries
    config.ServerApp.root_dir = os.path.abspath(args.root_dir)
    config.ServerApp.open_browser = False
    # Running as root is what a container or CI does; the server only listens on --ip.
    config.ServerApp.allow_root = os.geteuid() == 0
    config.ServerApp.answer_yes = True
    config.MappingKernelManager.default_kernel_name = "tslab"
    # Kernels are tslab's; do not look for a Python one.
    config.KernelSpecManager.ensure_native_kernel = False
    # Checkpoints live in the project-local directory, not next to the notebooks:
    # tslab's TypeScript watches the notebooks' directory tree, and a burst of
    # file events there while it compiles makes it report "Unexpected pending
    # rebuildTimer" in a cell.
    config.FileCheckpoints.checkpoint_dir = os.path.normpath(os.path.join(data_dir, "..", "..", "checkpoints"))
    # The tutorials' node_modules is not something to browse.
    config.ContentsManager.hide_globs = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*.so", "*.dylib", "*~", "node_modules"]
    config.TangentLab.static_dir = os.path.join(app_dir, "static")
    config.TangentLab.templates_dir = os.path.join(app_dir, "static")
    config.TangentLab.schemas_dir = os.path.join(app_dir, "schemas")
    config.TangentLab.themes_dir = os.path.join(app_dir, "themes")
    config.TangentLab.app_settings_dir = os.path.join(app_dir, "settings")
    config.TangentLab.user_settings_dir = os.path.join(lab_dir, "user-settings")
    config.TangentLab.workspaces_dir = os.path.join(lab_dir, "workspaces")
    config.TangentLab.labextensions_path = [os.path.join(data_dir, "labextensions")]
    serverapp = TangentLab.initialize_server(argv=[], config=config)
    # Ctrl-C stops at once (jupyter_server asks for confirmation on a terminal);
    # stopping shuts every kernel down before the loop ends.
    signal.signal(signal.SIGINT, serverapp._signal_stop)
    signal.signal(signal.SIGTERM, serverapp._signal_stop)
    serverapp.start()


def read_app_version(app_dir):
    with open(os.path.join(app_dir, "version.json"), encoding="utf-8") as f:
        return json.load(f)["jupyterlab"]


if __name__ == "__main__":
    # Imported under its own name, so that jupyter_server finds the extension points.
    import tangent_lab_server

    tangent_lab_server.main()
