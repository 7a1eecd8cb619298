"""Executes one notebook headlessly with nbclient.

Usage: execute.py NOTEBOOK OUT_DIR TIMEOUT_SECONDS KERNEL_NAME
Writes OUT_DIR/<name>.ipynb (with outputs, as JupyterLab would save it), and prints
one JSON object: {"ok", "seconds", "cells", "failure"}, where failure names the
cell index, its source and the error text. tslab reports a failing cell only
as an error status with its message on stderr, so the error text is collected
from the cell's own outputs rather than from nbclient's exception.
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def error_text(cell, exception):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
            parts.extend(out.get("traceback", []))
    text = "".join(p if p.endswith("\n") else p + "\n" for p in parts).strip()
    return text or str(exception).strip()


def main():
    path, out_dir, timeout, kernel = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    name = os.path.splitext(os.path.basename(path))[0]
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, allow_errors=False,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    failure = None
    cells = []
    start = time.time()
    client.reset_execution_trackers()
    with client.setup_kernel():
        info = client.wait_for_reply(client.kc.kernel_info())
        nb.metadata["language_info"] = info["content"]["language_info"]
        count = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            count += 1
            t0 = time.time()
            try:
                client.execute_cell(cell, index, execution_count=count)
            except CellTimeoutError:
                failure = {"cell": index, "source": cell.source, "error": f"the cell did not finish within {timeout} s"}
            except DeadKernelError as e:
                failure = {"cell": index, "source": cell.source, "error": f"the kernel died: {e}"}
            except CellExecutionError as e:
                failure = {"cell": index, "source": cell.source, "error": error_text(cell, e)}
            cells.append({"cell": index, "seconds": round(time.time() - t0, 3)})
            if failure:
                break
    os.makedirs(out_dir, exist_ok=True)
    nbformat.write(nb, os.path.join(out_dir, f"{name}.ipynb"))
    json.dump({"ok": failure is None, "seconds": round(time.time() - start, 3), "cells": cells, "failure": failure}, sys.stdout)


if __name__ == "__main__":
    main()
