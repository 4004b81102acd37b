"""The data scientist's walk-through (examples/pytorch_to_pynq.ipynb) runs top to bottom on the
virtual board, as a reader would run it: every cell, with its own assertions (the scores
against onnxruntime, the int8 accuracy within a point of float, the watchdog's recovery)."""
import nbformat
from nbclient import NotebookClient

from conftest import REPO

NOTEBOOK = REPO / "examples" / "pytorch_to_pynq.ipynb"


def test_the_notebook_runs_every_cell():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError naming the cell and its traceback
    outputs = "".join(o.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                      for o in cell.get("outputs", []))
    assert "max |difference| to onnxruntime" in outputs and "report.html" in outputs
