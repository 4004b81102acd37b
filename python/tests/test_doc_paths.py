"""The paths of the bitstream and the .hwh that README.md and docs/ give are those that
`zynqnn generate` and `zynqnn compile` record in the manifest (artifacts) and write."""
import json
import re

from conftest import REPO, generate

ARTIFACT_MENTION = re.compile(r"OUT/[\w/<>.-]+\.(?:hwh|bit)\b")


def test_docs_name_the_bitstream_and_hwh_where_they_are_written(tmp_path):
    manifest = json.loads(generate(tmp_path, "k", [
        {"name": "x", "direction": "in", "type": "int32", "shape": [4]},
        {"name": "y", "direction": "out", "type": "int32", "shape": [4]},
    ]).read_text())
    written = {"OUT/" + manifest["artifacts"][key].replace("/k.", "/<kernel>.") for key in ("bitstream", "hwh")}
    assert written == {"OUT/vivado/<kernel>.bit", "OUT/vivado/<kernel>.hwh"}
    mentions = {}
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for path in ARTIFACT_MENTION.findall(doc.read_text()):
            mentions.setdefault(path, doc.name)
    assert mentions, "README.md says where the .hwh is"
    wrong = {path: doc for path, doc in mentions.items() if path not in written}
    assert not wrong, f"paths the generator does not write: {wrong}"
