"""The room's LiveKit client: the committed bundle is the one its lock file pins
(web/vendor/livekit-source/build.sh rebuilds it), carries its licences, and exports what the
room imports; the room loads it from this server, never a CDN."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

WEB = Path(__file__).parent.parent / "web"
VENDOR = WEB / "vendor"
SOURCE = VENDOR / "livekit-source"


def bundled_packages() -> dict[str, tuple[str, str]]:
    lock = json.loads((SOURCE / "package-lock.json").read_text())
    return {
        path.removeprefix("node_modules/"): (entry["version"], entry["license"])
        for path, entry in lock["packages"].items()
        if path and not entry.get("dev") and not entry.get("optional")
    }


def test_the_bundle_was_built_from_the_pinned_lock():
    header = (VENDOR / "livekit-client.js").read_text()[:3000]
    lock = (SOURCE / "package-lock.json").read_bytes()
    assert f"sha256:{hashlib.sha256(lock).hexdigest()[:16]}" in header, "rebuild: ./bootstrap vendor"
    listed = dict(re.findall(r"(@?[\w./-]+) (\d+\.\d+\.\d+)", header.split("Bundled:")[1].split("\n")[0]))
    assert listed == {name: version for name, (version, _) in bundled_packages().items()}
    pinned = json.loads((SOURCE / "package.json").read_text())
    assert pinned["dependencies"] == {"livekit-client": listed["livekit-client"]}
    versions = [*pinned["dependencies"].values(), *pinned["devDependencies"].values()]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in versions), pinned


def test_every_bundled_package_has_its_licence_and_every_import_is_exported():
    licences = (VENDOR / "livekit-client.LICENSES.txt").read_text()
    for name, (version, licence) in bundled_packages().items():
        assert f"==== {name} {version} ({licence}) ====" in licences, name
    bundle = (VENDOR / "livekit-client.js").read_text()
    exported = set(re.findall(r"\w+ as (\w+)", bundle[bundle.rindex("export{") :]))
    room = (WEB / "room.js").read_text()
    imported = re.search(r"const \{(.*?)\} = await import\(\"/static/vendor/livekit-client\.js\"\)", room)
    assert imported is not None
    names = {name.strip() for name in imported.group(1).split(",") if name.strip()}
    assert names and names <= exported, names - exported
    assert "cdn" not in room.lower() and "unpkg" not in room and "jsdelivr" not in room
