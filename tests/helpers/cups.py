"""A private CUPS for the print tests (R48): its own cupsd on a loopback port, with its own
folders under a temporary one, and a cups-pdf queue "ClinicPDF" whose PDFs land in a folder
of the tests. The computer's own CUPS (if any) is never touched: lp and Qt are pointed at
the private one with CUPS_SERVER.

cups-pdf reads its settings from /etc/cups only (the path is compiled in), so the queue is
an instance of its own, cups-pdf:/<instance>, with /etc/cups/cups-pdf-<instance>.conf
written for the session and removed after it. cupsd runs cups-pdf's backend as root only
(it is mode 0700), so the tests need root, as CI has.

Missing cupsd or cups-pdf on a developer's machine skips the print tests, saying so; with
CLINICDESK_REQUIRE_CUPS=1 (set by .ci/run, whose setup installs them) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPDS = (Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"),
        Path("/usr/share/cups/model/CUPS-PDF_opt.ppd"))
QUEUE = "ClinicPDF"


def missing() -> str | None:
    """Why a private CUPS cannot run here, or None."""
    if not shutil.which("cupsd") or not shutil.which("lp"):
        return "CUPS is not installed (apt-get install cups)"
    if not BACKEND.exists() or not any(p.exists() for p in PPDS):
        return "cups-pdf is not installed (apt-get install printer-driver-cups-pdf)"
    if os.geteuid() != 0:
        return "cups-pdf's backend runs only as root, and these tests are not"
    return None


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CLINICDESK_REQUIRE_CUPS") == "1":
        pytest.fail(f"the print tests must run here: {reason}")
    pytest.skip(f"print tests need a private CUPS: {reason}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PrivateCups:
    root: Path
    port: int
    out: Path
    process: subprocess.Popen
    instance_conf: Path

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    def run(self, *command: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, CUPS_SERVER=self.server, LC_ALL="C")
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=30,
                              check=False)

    def add_queue(self, name: str) -> None:
        ppd = next(p for p in PPDS if p.exists())
        done = self.run("lpadmin", "-p", name, "-E", "-v", f"cups-pdf:/{self.instance}",
                        "-P", str(ppd))
        assert done.returncode == 0, done.stderr

    @property
    def instance(self) -> str:
        return self.instance_conf.stem.removeprefix("cups-pdf-")

    def printed(self, job: str, timeout_s: float = 60) -> Path:
        """The PDF cups-pdf wrote for `job` ("ClinicPDF-3"), once the job is done."""
        number = job.rsplit("-", 1)[1]
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            done = self.run("lpstat", "-W", "completed", "-o").stdout
            found = list(self.out.glob(f"*job_{number}.pdf"))
            if found and job in done:
                return found[0]
            time.sleep(0.2)
        log = (self.root / "log" / "error_log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"cups-pdf wrote nothing for {job}; cupsd's log ends:\n{log}")

    def new_since(self, before: set[Path], timeout_s: float = 60) -> Path:
        """The one PDF cups-pdf wrote after `before` (the out folder's files then), once no
        job is left to print: for a job whose number the program was not told (Qt's)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            waiting = self.run("lpstat", "-o").stdout.strip()
            new = set(self.out.iterdir()) - before
            if new and not waiting:
                (path,) = new
                return path
            time.sleep(0.2)
        raise AssertionError("cups-pdf wrote nothing new")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.instance_conf.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)


def start(folder: Path) -> PrivateCups:
    root = folder.resolve()
    etc, spool, out = root / "etc", root / "spool", root / "out"
    for sub in (etc / "ppd", spool / "tmp", root / "cache", root / "state", root / "log",
                out, root / "cups-pdf-spool"):
        sub.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (etc / "cupsd.conf").write_text(f"""Listen 127.0.0.1:{port}
LogLevel info
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
""")
    (etc / "cups-files.conf").write_text(f"""ServerRoot {etc}
RequestRoot {spool}
TempDir {spool / 'tmp'}
CacheDir {root / 'cache'}
StateDir {root / 'state'}
ErrorLog {root / 'log' / 'error_log'}
AccessLog {root / 'log' / 'access_log'}
PageLog {root / 'log' / 'page_log'}
FileDevice No
Sandboxing Relaxed
""")
    instance = f"clinicdesk{os.getpid()}"
    conf = Path("/etc/cups") / f"cups-pdf-{instance}.conf"
    # Out: where the PDFs go (else ~/PDF); Label 2: each file name ends -job_N, so a test
    # finds its own job's file
    conf.write_text(f"Out {out}\nAnonDirName {out}\nSpool {root / 'cups-pdf-spool'}\n"
                    f"Label 2\nGrp root\n")
    os.chmod(root, 0o755)
    for path in root.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    process = subprocess.Popen(["cupsd", "-f", "-c", str(etc / "cupsd.conf"),
                                "-s", str(etc / "cups-files.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cups = PrivateCups(root, port, out, process, conf)
    deadline = time.monotonic() + 20
    while "scheduler is running" not in cups.run("lpstat", "-r").stdout:
        if process.poll() is not None or time.monotonic() > deadline:
            cups.stop()
            said = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"the private cupsd did not start: {said}")
        time.sleep(0.1)
    cups.add_queue(QUEUE)
    return cups


@pytest.fixture(scope="session")
def cups():
    """The private CUPS, with CUPS_SERVER pointing lp (and Qt's printer list) at it."""
    reason = missing()
    if reason:
        skip_or_fail(reason)
    # not under pytest's folders: they are the test user's alone (0700), and CUPS runs its
    # filters as its own user (lp), who must read the spooled job
    server = start(Path(tempfile.mkdtemp(prefix="clinicdesk-cups-")))
    before = os.environ.get("CUPS_SERVER")
    os.environ["CUPS_SERVER"] = server.server
    yield server
    if before is None:
        os.environ.pop("CUPS_SERVER", None)
    else:
        os.environ["CUPS_SERVER"] = before
    server.stop()
