"""Start and stop a throwaway Virtuoso Open Source server for tests (127.0.0.1, free ports).

The Debian package ``virtuoso-opensource`` gives ``virtuoso-t`` and ``isql-vt``. A
server here gets its own database folder and a generated ``virtuoso.ini``; anonymous
SPARQL users may update (so that ``gsekg push`` can use the Graph Store Protocol at
``/sparql-graph-crud``); it stops when the ``with`` block ends.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

START_SECONDS = 90.0
INI = """[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 8
CheckpointInterval       = 0
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
AllowOSCalls             = 0
DirsAllowed              = ., {d}
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 4
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000
MaxQueryMem              = 500M

[HTTPServer]
ServerPort                  = 127.0.0.1:{http}
ServerRoot                  = {d}
MaxClientConnections        = 8
ServerThreads               = 8
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
Charset                     = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 120
DefaultGraph               = {default_graph}
"""


def available() -> bool:
    """Whether the Virtuoso server and its SQL client are installed."""
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Virtuoso:
    """A Virtuoso server on 127.0.0.1 with its database in ``folder``."""

    def __init__(self, folder: Path, default_graph: str = "urn:gsekg:default") -> None:
        self.folder = folder
        self.sql_port = free_port()
        self.http_port = free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.default_graph = default_graph
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def sparql(self) -> str:
        """The SPARQL 1.1 Protocol endpoint."""
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint."""
        return f"{self.base}/sparql-graph-crud"

    def __enter__(self) -> Virtuoso:
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(
            INI.format(
                d=self.folder,
                sql=self.sql_port,
                http=self.http_port,
                default_graph=self.default_graph,
            ),
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(ini)],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait()
            self.isql(
                'GRANT SPARQL_UPDATE TO "SPARQL";',
                "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);",
            )
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                log = (self.folder / "virtuoso.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: {log}")
            try:
                with urllib.request.urlopen(f"{self.sparql}?query=ASK%7B%7D", timeout=2):
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        raise RuntimeError(f"Virtuoso did not answer within {START_SECONDS:g} s")

    def isql(self, *statements: str) -> str:
        """Run SQL statements as dba (the default password of a fresh database)."""
        script = "\n".join(statements) + "\n"
        done = subprocess.run(
            ["isql-vt", str(self.sql_port), "dba", "dba"],
            input=script.encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
        output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql failed: {output[-2000:]}")
        return output

    def stop(self) -> None:
        """Stop the server (politely, then by force)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
