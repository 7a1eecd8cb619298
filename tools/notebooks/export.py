"""Exports a notebook to one standalone HTML page with nbconvert's HTML exporter.

Usage: export.py NOTEBOOK HTML
The notebook is the one tools/run-notebooks.mjs prepared with
interactiveNotebook() of @tangent-lab/display: its figures' text/html is the
interactive figure, the first one carrying plotly.js.
"""
import sys

import nbformat
from nbconvert import HTMLExporter


def main():
    source, target = sys.argv[1], sys.argv[2]
    nb = nbformat.read(source, as_version=4)
    html, _ = HTMLExporter().from_notebook_node(nb)
    with open(target, "w", encoding="utf-8") as f:
        f.write(html)


if __name__ == "__main__":
    main()
