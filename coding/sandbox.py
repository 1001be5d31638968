"""Running untrusted code: the `CodeRunner` seam and its bubblewrap implementation.

Each run gets a fresh sandbox: every namespace unshared (no network, its own pids, its own
user, nothing of the host's file system but the interpreter, its libraries and the harness,
all read-only), a small private tmpfs, no capabilities, rlimits on CPU, address space,
processes, file size and open files, a wall-clock limit, capped output, at a low CPU priority.
When the server runs as root, bubblewrap itself runs as an unprivileged user (nobody, through
setpriv), so the candidate's process is nobody on the host too. The harness inside prints one JSON line per
test on an inherited pipe; CPU time is measured here, from the kernel (`wait4`), and peak
memory by GNU time around the sandbox."""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

Language = Literal["python", "javascript"]
LANGUAGES: tuple[Language, ...] = ("python", "javascript")
HARNESS_DIR = Path(__file__).parent / "harness"
SOURCE_NAME = {"python": "solution.py", "javascript": "solution.js"}
# Output read past this is not kept; past HARD_OUTPUT_BYTES in all the run is stopped (a flood).
HARD_OUTPUT_BYTES = 8 * 1024 * 1024
RESULTS_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one run may use."""

    cpu_s: int = 5  # RLIMIT_CPU (whole seconds; the kernel kills at the limit)
    wall_s: float = 10.0  # killed from outside after this
    memory_mb: int = 256  # RLIMIT_AS for Python; the V8 heap (plus its fixed reservations) for node
    processes: int = 32  # RLIMIT_NPROC inside the sandbox's own user namespace (threads count)
    file_size_kb: int = 1024  # RLIMIT_FSIZE: the largest file a run may write (in its tmpfs)
    open_files: int = 64  # RLIMIT_NOFILE
    tmpfs_mb: int = 16  # the private /tmp
    output_kb: int = 64  # stdout and stderr kept, each (the rest is counted, not kept)
    nice: int = 10  # below the server's audio threads

    def with_wall(self, wall_s: float) -> Limits:
        return Limits(**{**self.__dict__, "wall_s": wall_s})


@dataclass(frozen=True)
class SandboxJob:
    """Code, the function the harness calls, and the inputs (never the expected outputs)."""

    language: Language
    code: str
    function: str
    tests: list[dict[str, Any]]  # [{"name", "args": [...]}]
    limits: Limits = field(default_factory=Limits)


@dataclass
class SandboxOutcome:
    """What came back: the harness's lines, the output, and what the kernel measured."""

    events: list[dict[str, Any]]
    stdout: str
    stderr: str
    wall_ms: float
    cpu_ms: float
    memory_kb: int
    exit_code: int | None  # None: killed from outside (wall time or output flood)
    killed: Literal["wall_time", "output_limit"] | None = None
    output_bytes: int = 0

    @property
    def signal(self) -> str | None:
        """The signal that ended the process (bubblewrap reports 128 + n)."""
        if self.exit_code is None or self.exit_code <= 128:
            return None
        try:
            return signal.Signals(self.exit_code - 128).name
        except ValueError:
            return None


class CodeRunner(Protocol):
    """Runs one job in isolation (blocking). A container or remote runner fits here too."""

    def run(self, job: SandboxJob) -> SandboxOutcome: ...


class SandboxUnavailableError(RuntimeError):
    """No sandbox can be made here: the coding mode refuses to start (never runs unsandboxed)."""


@dataclass(frozen=True)
class Interpreters:
    bwrap: str = "/usr/bin/bwrap"
    python: str = "/usr/bin/python3"
    node: str = "/usr/bin/node"
    prlimit: str = "/usr/bin/prlimit"
    time: str = "/usr/bin/time"  # GNU time: the sandbox's peak memory, measured from a clean process
    setpriv: str = "/usr/bin/setpriv"
    sandbox_uid: int = 65534  # bubblewrap runs as this user when the server is root


class BubblewrapRunner:
    """A fresh bubblewrap sandbox per run (see the module docstring)."""

    def __init__(self, interpreters: Interpreters | None = None) -> None:
        self.paths = interpreters or Interpreters()

    # -- availability ------------------------------------------------------------------------
    def languages(self) -> tuple[Language, ...]:
        """The languages whose interpreter exists (bubblewrap itself is checked by `check`)."""
        found = {"python": self.paths.python, "javascript": self.paths.node}
        return tuple(lang for lang in LANGUAGES if os.access(found[lang], os.X_OK))

    def check(self) -> tuple[Language, ...]:
        """Run a trivial job per language; the languages that work. SandboxUnavailableError with
        the reason when bubblewrap is missing or cannot make a sandbox here."""
        for tool in (self.paths.bwrap, self.paths.prlimit, self.paths.setpriv, self.paths.time):
            if not os.access(tool, os.X_OK):
                raise SandboxUnavailableError(
                    f"{tool} not found: install the Debian packages bubblewrap, util-linux and time "
                    "(./bootstrap does); coding interviews never run code without a sandbox"
                )
        working: list[Language] = []
        reasons = []
        for language in self.languages():
            code = "def f(x):\n    return x\n" if language == "python" else "function f(x) { return x; }\n"
            outcome = self.run(SandboxJob(language, code, "f", [{"name": "t", "args": [1]}]))
            if any(e.get("event") == "test" and e.get("actual") == 1 for e in outcome.events):
                working.append(language)
            else:
                reasons.append(f"{language}: exit {outcome.exit_code}, {outcome.stderr.strip()[:300]}")
        if not working:
            detail = "; ".join(reasons) or "no interpreter found (python3, node)"
            raise SandboxUnavailableError(f"bubblewrap could not run a sandbox here: {detail}")
        return tuple(working)

    # -- one run -----------------------------------------------------------------------------
    def run(self, job: SandboxJob) -> SandboxOutcome:
        task_dir = Path(tempfile.mkdtemp(prefix="intervox-run-"))
        try:
            self._write_task(task_dir, job)
            return self._spawn(task_dir, job)
        finally:
            shutil.rmtree(task_dir, ignore_errors=True)

    def _write_task(self, task_dir: Path, job: SandboxJob) -> None:
        import json

        task_dir.chmod(0o755)  # read by the unprivileged sandbox user
        (task_dir / SOURCE_NAME[job.language]).write_text(job.code, encoding="utf-8")
        (task_dir / "input.json").write_text(
            json.dumps({"function": job.function, "tests": job.tests}), encoding="utf-8"
        )
        # the harness too: the sandbox user could not reach it where the code lives when a
        # folder above it is private (a clone under /root, or a 0700 temporary folder)
        harness = task_dir / "harness"
        shutil.copytree(HARNESS_DIR, harness)
        harness.chmod(0o755)
        for path in [*task_dir.iterdir(), *harness.iterdir()]:
            if path.is_file():
                path.chmod(0o644)

    def command(self, task_dir: Path, job: SandboxJob, results_fd: int) -> list[str]:
        """The whole command line: nice, bubblewrap, prlimit, the interpreter and the harness
        (told the number of the results pipe it inherits)."""
        limits = job.limits
        memory = limits.memory_mb * 1024 * 1024
        if job.language == "python":
            interpreter = os.path.realpath(self.paths.python)
            version = Path(interpreter).name  # python3.11: its standard library is /usr/lib/python3.11
            binds = ["--ro-bind", interpreter, "/usr/bin/python3"]
            binds += ["--ro-bind", f"/usr/lib/{version}", f"/usr/lib/{version}"]
            address_space = memory + 64 * 1024 * 1024
            run = ["/usr/bin/python3", "-I", "-S", "-u", "-X", "utf8", "/harness/harness.py", str(results_fd)]
        else:
            binds = ["--ro-bind", os.path.realpath(self.paths.node), "/usr/bin/node"]
            # V8 reserves ~0.7-1 GB of address space it never touches (sorting large arrays reserves
            # more); the heap itself is capped by --max-old-space-size
            address_space = memory + 1024 * 1024 * 1024
            heap = f"--max-old-space-size={limits.memory_mb}"
            run = ["/usr/bin/node", heap, "--stack-size=4000", "/harness/harness.js", str(results_fd)]
        for lib in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64"):
            if os.path.isdir(lib) and not os.path.islink(lib):
                binds += ["--ro-bind", lib, lib]
        if not os.path.isdir("/lib64") or os.path.islink("/lib64"):
            binds += ["--symlink", "usr/lib64", "/lib64"]
        sandbox = [
            self.paths.bwrap,
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",  # no nested user namespaces: no second try at privileges
            "--uid", "65534", "--gid", "65534",
            "--die-with-parent",
            "--new-session",
            "--as-pid-1",  # the harness is pid 1: bubblewrap reaps it, so its CPU time reaches wait4
            "--cap-drop", "ALL",
            "--clearenv",
            "--setenv", "PATH", "/usr/bin",
            "--setenv", "HOME", "/tmp",
            "--setenv", "LANG", "C.UTF-8",
            *binds,
            "--ro-bind", self.paths.prlimit, "/usr/bin/prlimit",
            "--symlink", "usr/lib", "/lib",
            "--proc", "/proc",
            "--dev", "/dev",
            "--size", str(limits.tmpfs_mb * 1024 * 1024), "--tmpfs", "/tmp",
            "--ro-bind", str(task_dir / "harness"), "/harness",
            "--ro-bind", str(task_dir), "/task",
            "--remount-ro", "/",  # the root bubblewrap builds is a tmpfs: read-only once set up
            "--chdir", "/tmp",
        ]  # fmt: skip
        rlimits = [
            "/usr/bin/prlimit",
            f"--cpu={limits.cpu_s}:{limits.cpu_s}",
            f"--as={address_space}",
            f"--nproc={limits.processes}",
            f"--fsize={limits.file_size_kb * 1024}",
            f"--nofile={limits.open_files}",
            "--core=0",
            "--",
        ]
        # GNU time forks the sandbox from a small process and writes its peak memory (a process
        # forked from the server would carry the server's own resident size into ru_maxrss); as
        # root, setpriv then drops to the sandbox user before bubblewrap starts
        measure = [self.paths.time, "-f", "%M", "-o", str(task_dir / "rusage")]
        uid = str(self.paths.sandbox_uid)
        drop = [self.paths.setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
        user = drop if os.geteuid() == 0 else []
        return [*measure, *user, "/usr/bin/nice", "-n", str(limits.nice), *sandbox, *rlimits, *run]

    def _spawn(self, task_dir: Path, job: SandboxJob) -> SandboxOutcome:
        results_read, results_write = os.pipe()
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                self.command(task_dir, job, results_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(results_write,),
            )
        finally:
            os.close(results_write)
        reader = _Reader(proc, results_read, job.limits)
        killed = reader.drain(started + job.limits.wall_s)
        status, usage = _reap(proc.pid)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall_ms = (time.monotonic() - started) * 1000
        return SandboxOutcome(
            events=reader.events(),
            stdout=reader.text("stdout"),
            stderr=reader.text("stderr"),
            wall_ms=round(wall_ms, 1),
            cpu_ms=round((usage.ru_utime + usage.ru_stime) * 1000, 1),
            memory_kb=_peak_memory_kb(task_dir),
            exit_code=None if killed else proc.returncode,
            killed=killed,
            output_bytes=reader.total,
        )


class _Reader:
    """Reads stdout, stderr and the results pipe together, keeping only the first bytes of each."""

    def __init__(self, proc: subprocess.Popen[bytes], results_fd: int, limits: Limits) -> None:
        assert proc.stdout is not None and proc.stderr is not None
        self.proc = proc
        self.keep = {"stdout": limits.output_kb * 1024, "stderr": limits.output_kb * 1024}
        self.keep["results"] = RESULTS_BYTES
        self.kept: dict[str, bytearray] = {name: bytearray() for name in self.keep}
        self.total = 0
        self.selector = selectors.DefaultSelector()
        self.selector.register(proc.stdout.fileno(), selectors.EVENT_READ, "stdout")
        self.selector.register(proc.stderr.fileno(), selectors.EVENT_READ, "stderr")
        self.selector.register(results_fd, selectors.EVENT_READ, "results")
        self.results_fd = results_fd

    def drain(self, deadline: float) -> Literal["wall_time", "output_limit"] | None:
        """Read until every pipe closes; kill the sandbox at the deadline or on a flood."""
        killed: Literal["wall_time", "output_limit"] | None = None
        try:
            while self.selector.get_map():
                left = deadline - time.monotonic()
                if left <= 0:
                    killed = "wall_time"
                    break
                for key, _ in self.selector.select(left):
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        self.selector.unregister(key.fd)
                        continue
                    self.total += len(chunk)
                    kept = self.kept[key.data]
                    kept += chunk[: max(0, self.keep[key.data] - len(kept))]
                if self.total > HARD_OUTPUT_BYTES:
                    killed = "output_limit"
                    break
            if killed:
                _kill_sandbox(self.proc.pid)
        finally:
            self.selector.close()
            os.close(self.results_fd)
            self.proc.stdout.close()  # type: ignore[union-attr]
            self.proc.stderr.close()  # type: ignore[union-attr]
        return killed

    def text(self, name: str) -> str:
        kept = self.kept[name]
        text = kept.decode("utf-8", "replace")
        return text + "\n[... output truncated]" if len(kept) >= self.keep[name] else text

    def events(self) -> list[dict[str, Any]]:
        """The harness's JSON lines; anything else on the results pipe is ignored."""
        import json

        found = []
        for line in bytes(self.kept["results"]).splitlines():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("event"), str):
                found.append(value)
        return found


def _peak_memory_kb(task_dir: Path) -> int:
    """GNU time's last line: the peak resident size of the sandbox's largest process."""
    try:
        return int((task_dir / "rusage").read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return 0


def _kill_sandbox(pid: int) -> None:
    """Kill the sandbox's first process (bubblewrap then reaps it, so its CPU time and memory
    still count), or failing that bubblewrap, or `time` itself. Everything in the sandbox's pid
    namespace dies with its first process. (`time` -> setpriv, nice -> bubblewrap, by exec.)"""
    bubblewraps = _children(pid)
    sandboxes = [grandchild for child in bubblewraps for grandchild in _children(child)]
    for target in sandboxes or bubblewraps or [pid]:
        _signal(target)


def _reap(pid: int) -> tuple[int, Any]:
    """wait4 the sandbox; one that has not exited 2 s after its pipes closed (or it was killed)
    is killed outright."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        time.sleep(0.005)
    _signal(pid)
    _, status, usage = os.wait4(pid, 0)
    return status, usage


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def _signal(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
