"""The candidate's code editor: the committed CodeMirror bundle is the one its lock file pins
(web/vendor/source/build.sh rebuilds it), carries its licences, and exports what the room imports."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

WEB = Path(__file__).parent.parent / "web"
VENDOR = WEB / "vendor"


def bundled_packages() -> dict[str, str]:
    """What the lock installs for the bundle: every package that is neither a dev tool nor optional."""
    lock = json.loads((VENDOR / "source" / "package-lock.json").read_text())
    return {
        path.removeprefix("node_modules/"): entry["version"]
        for path, entry in lock["packages"].items()
        if path and not entry.get("dev") and not entry.get("optional")
    }


def test_the_bundle_was_built_from_the_pinned_lock():
    header = (VENDOR / "codemirror.js").read_text()[:2000]
    lock = (VENDOR / "source" / "package-lock.json").read_bytes()
    assert f"sha256:{hashlib.sha256(lock).hexdigest()[:16]}" in header, "rebuild: ./bootstrap vendor"
    listed = dict(re.findall(r"(@?[\w./-]+) (\d+\.\d+\.\d+)", header.split("Bundled:")[1].split("\n")[0]))
    assert listed == bundled_packages()
    pinned = json.loads((VENDOR / "source" / "package.json").read_text())["dependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in pinned.values()), pinned


def test_every_bundled_package_has_its_licence_and_every_import_is_exported():
    licences = (VENDOR / "codemirror.LICENSES.txt").read_text()
    for name, version in bundled_packages().items():
        assert f"==== {name} {version} (MIT) ====" in licences, name
    bundle = (VENDOR / "codemirror.js").read_text()
    exported = set(re.findall(r"\w+ as (\w+)", bundle[bundle.rindex("export{") :]))
    source = (WEB / "coding.js").read_text()
    imported = re.search(r"import \{(.*?)\} from \"\./vendor/codemirror\.js\"", source, re.S)
    assert imported is not None
    names = {name.strip() for name in imported.group(1).split(",") if name.strip()}
    assert names and names <= exported, names - exported
