"""No network for the process that runs queries: a seccomp filter, enforced by the kernel.

The embedded engine (pyoxigraph) calls any `SERVICE <endpoint>` a query names, over HTTP, from
the process that evaluates the query. Reading the query first (ckpld.query_text) refuses such
calls, but a reading can be wrong; the filter makes the outcome independent of it. Once
`confine()` has run, the kernel answers EACCES to every attempt of this process (and of the
threads and processes it starts) to open a socket other than a local (AF_UNIX) one, and to set
up io_uring, which could open sockets without the `socket` system call. No address inside or
outside the machine can be reached, whatever text the engine was given. Sockets the process
already holds are closed first (a forked process inherits its parent's: the listening socket,
clients' connections).

The filter is applied through libseccomp (Debian's libseccomp2, PyPI's pyseccomp); Linux 3.5 and
later enforce it. `check()` proves at start-up that it holds on this machine.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import stat

from ckpld.errors import SandboxError

# Loaded here, once, in the process that starts the server: finding the library runs
# `ldconfig`, which a query process (forked from a gevent worker) must not do.
_MISSING = ""  # why the library could not be loaded
try:
    import pyseccomp as _seccomp
except (ImportError, OSError) as _err:  # no libseccomp on this machine
    _seccomp = None
    _MISSING = str(_err)

# Socket families that stay allowed: local sockets reach no network.
_LOCAL = socket.AF_UNIX


def confine(keep: tuple[int, ...] = ()) -> None:
    """Close every inherited socket but `keep`, then forbid this process new network sockets.

    Raises:
        SandboxError: the filter cannot be installed (no libseccomp, a kernel without seccomp).
    """
    _close_sockets(keep)
    seccomp = _seccomp
    if seccomp is None:
        raise SandboxError(f"libseccomp is not available ({_MISSING})")
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)  # sets no_new_privs, as seccomp requires
        denied = seccomp.ERRNO(errno.EACCES)
        rules.add_rule(denied, "socket", seccomp.Arg(0, seccomp.NE, _LOCAL))
        for call in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
            with contextlib.suppress(ValueError, RuntimeError):  # absent on old kernels' tables
                rules.add_rule(seccomp.ERRNO(errno.ENOSYS), call)
        rules.load()
    except (OSError, RuntimeError, ValueError) as err:
        raise SandboxError(f"the kernel refused the seccomp filter ({err})") from err


def check() -> None:
    """Prove that `confine` holds here: a forked process confines itself and tries to open a
    TCP socket, which must be refused.

    Raises:
        SandboxError: the filter cannot be installed, or a socket was opened despite it.
    """
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:  # whatever happens, the child never returns into its parent's code
            os.close(reader)
            os.write(writer, _try_confined(writer)[:4096])
        finally:
            os._exit(0)
    os.close(writer)
    try:
        said = os.read(reader, 4096).decode(errors="replace")
    finally:
        os.close(reader)
        os.waitpid(pid, 0)
    if said != "ok":
        raise SandboxError(
            "the kernel cannot keep query processes off the network here "
            f"({said or 'the test process died'}); set query_sandbox = false to serve "
            "without that guard"
        )


def _try_confined(writer: int) -> bytes:  # pragma: no cover - runs in `check`'s child
    """b"ok" when, once confined, this process cannot open a TCP socket; else why."""
    try:
        confine(keep=(writer,))
        try:
            socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
            return b"a TCP socket could still be opened"
        except PermissionError:
            return b"ok"
    except SandboxError as err:
        return err.detail.encode()
    except BaseException as err:  # anything else: reported, never raised in the child
        return f"{type(err).__name__}: {err}".encode()


def _close_sockets(keep: tuple[int, ...]) -> None:
    """Close the sockets among this process's open files (pipes and files stay open)."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return
    for name in names:
        fd = int(name)
        if fd in keep:
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
