"""The shared-state seams run the same tests in-process and on a real Redis server."""

from __future__ import annotations

import pytest

from store.backends import Backends, make_backends


@pytest.fixture(params=["inprocess", "redis"])
async def processes(request) -> tuple[Backends, Backends]:
    """The backends of two processes. In-process they are one and the same (nothing in-process
    spans processes); on Redis each has its own connection, as two servers would."""
    if request.param == "inprocess":
        one = make_backends()
        pair = (one, one)
    else:
        url = request.getfixturevalue("redis_url")
        pair = (make_backends(url), make_backends(url))
    yield pair
    for backends in {id(b): b for b in pair}.values():
        await backends.close()
