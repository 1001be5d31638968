"""Every attack on the real bubblewrap sandbox is stopped and reported (Python and JavaScript)."""

from __future__ import annotations

import pytest

from coding.results import Expectation, judge
from coding.sandbox import BubblewrapRunner, Limits, SandboxJob

pytestmark = pytest.mark.slow  # ~15 s: the time-limit attacks wait for their limits

LIMITS = Limits(cpu_s=2, wall_s=4)
SECRET = "intervox-secret-marker"


@pytest.fixture(scope="module")
def runner() -> BubblewrapRunner:
    runner = BubblewrapRunner()
    runner.check()  # fails loudly where no sandbox can be made: never skipped
    return runner


def run(runner: BubblewrapRunner, language: str, code: str, limits: Limits = LIMITS) -> dict:
    outcome = runner.run(SandboxJob(language, code, "f", [{"name": "t", "args": [1]}], limits))  # type: ignore[arg-type]
    result = judge(outcome, [Expectation("t", 1)], limits)
    result["outcome"] = outcome
    return result


PY = {
    "infinite loop": ("def f(x):\n    while True:\n        pass\n", "timeout", ""),
    "sleeping past the wall clock": ("import time\ndef f(x):\n    time.sleep(60)\n", "timeout", ""),
    "fork bomb": (
        "import os\ndef f(x):\n    while True:\n        os.fork()\n",
        "error",
        "Resource temporarily unavailable",
    ),
    "memory bomb": (
        "def f(x):\n    hog = []\n    while True:\n        hog.append(bytearray(10**7))\n",
        "memory_limit",
        "MemoryError",
    ),
    "a 10 GB file": (
        "def f(x):\n    with open('/tmp/big', 'wb') as out:\n        for _ in range(10 * 1024):\n"
        "            out.write(b'x' * 2**20)\n",
        "error",
        "File too large",
    ),
    "reading /etc/shadow": ("def f(x):\n    return open('/etc/shadow').read()\n", "error", "No such file"),
    "reading the server's data folder": (
        "import os\ndef f(x):\n    return os.listdir(DATA)\n",
        "error",
        "No such file",
    ),
    "a socket to the server's port": (
        "import socket\ndef f(x):\n"
        "    socket.create_connection(('127.0.0.1', PORT), timeout=2)\n    return 'connected'\n",
        "error",
        "Connection refused",
    ),
    "spawning a shell": (
        "import subprocess\ndef f(x):\n"
        "    return subprocess.run(['/bin/sh', '-c', 'id'], capture_output=True).stdout\n",
        "error",
        "No such file",
    ),
    "ctypes: a wild pointer": ("import ctypes\ndef f(x):\n    return ctypes.string_at(0)\n", "error", ""),
    "output flood": ("def f(x):\n    while True:\n        print('x' * 1000)\n", "error", ""),
}
JS = {
    "infinite loop": ("function f(x) { for (;;) {} }", "timeout", ""),
    "memory bomb": (
        "function f(x) { const hog = []; for (;;) hog.push(new Array(1e6).fill(1.5)); }",
        "memory_limit",
        "",
    ),
    "buffer bomb": (
        "function f(x) { const hog = []; for (;;) hog.push(Buffer.alloc(1e7, 1)); }",
        "memory_limit",
        "",
    ),
    "process bomb": (
        "const cp = require('child_process');\n"
        "function f(x) { for (let i = 0; i < 1000; i++)"
        " cp.spawn('/usr/bin/node', ['-e', 'setTimeout(() => 0, 9e3)']); return 1; }",
        "error",
        "EAGAIN",
    ),
    "a 10 GB file": (
        "const fs = require('fs');\nfunction f(x) { const b = Buffer.alloc(1 << 20);"
        " const fd = fs.openSync('/tmp/big', 'w'); for (let i = 0; i < 10240; i++) fs.writeSync(fd, b); }",
        "error",
        "EFBIG",
    ),
    "reading /etc/shadow": (
        "const fs = require('fs');\nfunction f(x) { return fs.readFileSync('/etc/shadow', 'utf8'); }",
        "error",
        "ENOENT",
    ),
    "reading the server's data folder": (
        "const fs = require('fs');\nfunction f(x) { return fs.readdirSync(DATA); }",
        "error",
        "ENOENT",
    ),
    "a socket to the server's port": (
        "const net = require('net');\nfunction f(x) { return new Promise((ok, no) => "
        "{ const s = net.connect(PORT, '127.0.0.1', () => ok('connected')); s.on('error', no); }); }",
        "error",
        "ECONNREFUSED",
    ),
    "spawning a shell": (
        "const cp = require('child_process');\nfunction f(x) { return cp.execSync('id').toString(); }",
        "error",
        "ENOENT",
    ),
    "output flood": ("function f(x) { for (;;) console.log('x'.repeat(1000)); }", "error", ""),
}


def _fill(code: str, data_dir: str, port: int) -> str:
    return code.replace("DATA", repr(data_dir)).replace("PORT", str(port))


@pytest.fixture(scope="module")
def server_data(tmp_path_factory) -> str:
    data = tmp_path_factory.mktemp("server-data")
    (data / "intervox.db").write_text(SECRET)
    return str(data)


@pytest.mark.parametrize("attack", list(PY))
def test_python_attacks_are_stopped_and_reported(runner, attack, server_data):
    code, status, says = PY[attack]
    result = run(runner, "python", _fill(code, server_data, 8000))
    assert result["status"] == status, result
    assert says in (result["tests"][0]["error"] or "") + result["message"]
    assert SECRET not in str(result) and "root:" not in str(result)
    assert result["wall_ms"] < 6000  # the wall-clock limit (4 s) holds, whatever the code does


@pytest.mark.parametrize("attack", list(JS))
def test_javascript_attacks_are_stopped_and_reported(runner, attack, server_data):
    code, status, says = JS[attack]
    result = run(runner, "javascript", _fill(code, server_data, 8000))
    assert result["status"] == status, result
    assert says in (result["tests"][0]["error"] or "") + result["message"] + result["stderr"]
    assert SECRET not in str(result)
    assert result["wall_ms"] < 6000


def test_a_flood_is_cut_and_said(runner):
    result = run(runner, "python", PY["output flood"][0])
    assert result["message"].startswith("Too much output")
    assert len(result["stdout"]) < 70 * 1024 and result["stdout"].endswith("[... output truncated]")


def test_the_sandbox_has_no_network_no_privileges_and_only_read_only_files(runner):
    code = (
        "import os, socket\n"
        "def f(x):\n"
        "    status = open('/proc/self/status').read()\n"
        "    caps = [l.split()[1] for l in status.splitlines() if l.startswith('CapEff')][0]\n"
        "    writable = []\n"
        "    for path in ('/usr', '/task', '/harness', '/'):\n"
        "        try:\n"
        "            open(os.path.join(path, 'x'), 'w')\n"
        "            writable.append(path)\n"
        "        except OSError:\n"
        "            pass\n"
        "    names = [n for _, n in socket.if_nameindex()]\n"
        "    return [os.getuid(), caps, writable, names, sorted(os.listdir('/'))]\n"
    )
    outcome = runner.run(SandboxJob("python", code, "f", [{"name": "t", "args": [1]}], LIMITS))
    uid, caps, writable, interfaces, root = next(e for e in outcome.events if e.get("event") == "test")[
        "actual"
    ]
    assert uid == 65534 and int(caps, 16) == 0 and writable == []
    assert interfaces == ["lo"]  # a network namespace of its own: nothing but its own loopback
    assert set(root) <= {"usr", "lib", "lib64", "proc", "dev", "tmp", "harness", "task"}


def test_ctypes_cannot_regain_privileges(runner):
    code = (
        "import ctypes\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "def f(x):\n"
        "    mounted = libc.mount(b'none', b'/usr', b'tmpfs', 0, None)\n"
        "    return [libc.setuid(0), libc.unshare(0x10000000), mounted]\n"
    )
    outcome = runner.run(SandboxJob("python", code, "f", [{"name": "t", "args": [1]}], LIMITS))
    assert next(e for e in outcome.events if e.get("event") == "test")["actual"] == [-1, -1, -1]


def test_cpu_time_and_peak_memory_come_from_the_kernel(runner):
    code = "def f(x):\n    hog = bytearray(100 * 2**20)\n    return sum(range(3 * 10**6)) > 0\n"
    outcome = runner.run(SandboxJob("python", code, "f", [{"name": "t", "args": [1]}], LIMITS))
    assert outcome.memory_kb > 100 * 1024 and outcome.cpu_ms > 20
