"""A long-lived child process that runs the spreadsheet engine, so that a file which makes the
engine abort kills only the child (restarted for the next file), without paying a process start
for every file (205 rosters of a province are read one after another).

Protocol on the child's stdin/stdout: request = 4-byte header length, 4-byte data length,
JSON header {"rows", "cols"}, data; response = 8-byte length, JSON ({"sheets"} or {"error"}).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from imports._engine import LoadError

logger = logging.getLogger(__name__)

TIMEOUT = 120.0  # seconds for one file
MEMORY_ENV = "STAFFING_IMPORT_MEMORY_MB"

_FAILED = (
    "Không đọc được tệp: tệp hỏng hoặc cần quá nhiều bộ nhớ để mở; hãy mở bằng Excel và lưu lại dạng .xlsx."
)


def _command(serve: bool, row_limit: int = 0, column_limit: int = 0) -> list[str]:
    args = ["--serve"] if serve else [str(row_limit), str(column_limit)]
    return [sys.executable, "-m", "imports._engine", *args]


def _env() -> dict[str, str]:
    package_root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


class _Worker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._owner = 0  # pid that started the child: a forked parent starts its own
        self._memory: str | None = None

    def read(self, data: bytes, row_limit: int, column_limit: int) -> list[dict[str, Any]]:
        with self._lock:
            proc = self._ensure()
            header = json.dumps({"rows": row_limit, "cols": column_limit}).encode()
            deadline = time.monotonic() + TIMEOUT
            try:
                if proc.stdin is None or proc.stdout is None:
                    raise OSError("engine worker has no pipes")
                proc.stdin.write(struct.pack(">II", len(header), len(data)) + header + data)
                proc.stdin.flush()
                (size,) = struct.unpack(">Q", _read_exact(proc.stdout, 8, deadline))
                payload = json.loads(_read_exact(proc.stdout, size, deadline))
            except (OSError, EOFError, TimeoutError, ValueError, struct.error) as exc:
                logger.info("engine worker failed: %r", exc)
                self._stop()
                raise LoadError(_FAILED) from exc
        if not isinstance(payload, dict):
            raise LoadError(_FAILED)
        if payload.get("error"):
            raise LoadError(str(payload["error"]))
        sheets: list[dict[str, Any]] = payload["sheets"]
        return sheets

    def _ensure(self) -> subprocess.Popen[bytes]:
        memory = os.environ.get(MEMORY_ENV)
        alive = self._proc is not None and self._proc.poll() is None
        if self._proc is not None and self._owner != os.getpid():
            self._proc = None  # inherited through fork: the parent still talks to it
            alive = False
        if alive and memory == self._memory and self._proc is not None:
            return self._proc
        self._stop()
        try:
            self._proc = subprocess.Popen(  # noqa: S603 (our own module, fixed arguments)
                _command(serve=True),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_env(),
            )
        except OSError as exc:
            raise LoadError("Không chạy được bộ đọc bảng tính trên máy chủ.") from exc
        self._owner, self._memory = os.getpid(), memory
        return self._proc

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and self._owner == os.getpid():
            proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()


def _read_exact(stream: IO[bytes], size: int, deadline: float) -> bytes:
    fd = stream.fileno()
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            raise TimeoutError("engine worker timed out")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("engine worker ended")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


_WORKER = _Worker()
atexit.register(_WORKER.close)


def read_in_child(data: bytes, row_limit: int, column_limit: int) -> list[dict[str, Any]]:
    """The engine's text sheets, read in the worker (POSIX) or a one-off child process."""
    if os.name == "posix":
        return _WORKER.read(data, row_limit, column_limit)
    return _one_off(data, row_limit, column_limit)


def _one_off(data: bytes, row_limit: int, column_limit: int) -> list[dict[str, Any]]:
    try:
        done = subprocess.run(  # noqa: S603 (our own module, fixed arguments; the file goes through stdin)
            _command(False, row_limit, column_limit),
            input=data,
            capture_output=True,
            timeout=TIMEOUT,
            env=_env(),
            check=False,
        )
        payload = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        raise LoadError(_FAILED) from exc
    if not isinstance(payload, dict):
        raise LoadError(_FAILED)
    if payload.get("error"):
        raise LoadError(str(payload["error"]))
    sheets: list[dict[str, Any]] = payload["sheets"]
    return sheets
