"""Publish the hub without ever leaving a half-updated site: ``make publish``.

The production build (``pelican content -s publishconf.py --fatal errors``) goes
into a fresh staging folder next to ``output/`` (``.publish-staging-XXXX``, same
parent, so the same filesystem). Only once it has succeeded is it swapped in:

- the build kept from last time (``output.previous/``) is discarded;
- staging and ``output/`` trade places: one ``renameat2(RENAME_EXCHANGE)`` on
  Linux, so ``output/`` never stops existing; elsewhere two renames;
- the replaced build becomes ``output.previous/``, for ``--rollback``.

A failed build, Ctrl-C or SIGTERM leaves ``output/`` as it was and removes the
staging folder; after a SIGKILL the next run removes it. One publish at a time
per folder: the others wait (an advisory lock on the parent folder).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import fcntl
import gzip
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

STAGING_PREFIX = ".publish-staging-"
EXIT_OK, EXIT_FAILED = 0, 1
# From <fcntl.h>, <linux/fs.h> and <sys/prctl.h>: Python exposes neither renameat2
# nor prctl, glibc has both.
AT_FDCWD = -100
RENAME_EXCHANGE = 2
PR_SET_PDEATHSIG = 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="tools/publish.py",
        description="Build the hub into a fresh folder and swap it in atomically; "
                    "the build it replaces is kept for --rollback.",
    )
    parser.add_argument("--output", default="output", help="published folder (default: output)")
    parser.add_argument("--settings", default="publishconf.py",
                        help="Pelican settings file (default: publishconf.py)")
    parser.add_argument("--content", default="content", help="content folder (default: content)")
    parser.add_argument("--rollback", action="store_true",
                        help="swap the previous build back in instead of building")
    parser.add_argument("pelican_args", nargs="*", metavar="-- PELICAN_OPTION",
                        help="extra pelican options, after --")
    return parser.parse_args(argv)


def shown(path: Path) -> str:
    """A folder as people typed it: relative to the current folder when inside it."""
    with contextlib.suppress(ValueError):
        return f"{path.relative_to(Path.cwd()).as_posix()}/"
    return f"{path}/"


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[int]:
    """Hold an exclusive lock on ``folder`` (released by the kernel if we are killed)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"publish: waiting for another publish in {shown(folder)} to finish...",
                  file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def remove_abandoned(parent: Path) -> None:
    """Staging folders of killed runs: under the lock, no live run can own them."""
    for leftover in sorted(parent.glob(STAGING_PREFIX + "*")):
        shutil.rmtree(leftover, ignore_errors=True)
        print(f"publish: removed {shown(leftover)} left by an interrupted publish",
              file=sys.stderr)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step; False where the system cannot."""
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second),
                 RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # filesystem or kernel lacks it
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _die_with_parent() -> None:
    """Runs in the build process: a SIGKILLed publish must not leave Pelican writing on."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def run_pelican(args: argparse.Namespace, staging: Path, lock_fd: int) -> int:
    command = [sys.executable, "-m", "pelican", args.content, "-s", args.settings,
               "-o", str(staging), "--fatal", "errors", *args.pelican_args]
    # Its own session: Pelican answers Ctrl-C by exiting 0 with a half-written folder,
    # so the signal must reach this tool only, which then stops the build. The build
    # inherits the lock, so no other publish starts while it may still be writing.
    process = subprocess.Popen(command, start_new_session=True, pass_fds=(lock_fd,),
                               preexec_fn=_die_with_parent)  # safe: this tool has no threads
    try:
        return process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise


def swap_in(staging: Path, output: Path, previous: Path) -> None:
    """Make ``staging`` the published folder and the replaced build ``previous``."""
    # The old rollback target is renamed away before the swap (a kill must never leave
    # a stale or half-deleted output.previous/) and deleted after it (publish sooner).
    discarded = staging.with_name(staging.name + "-discarded")
    if previous.exists():
        os.rename(previous, discarded)
    if not output.exists():
        os.rename(staging, output)
    elif exchange(staging, output):
        os.rename(staging, previous)
    else:
        os.rename(output, previous)
        os.rename(staging, output)
    shutil.rmtree(discarded, ignore_errors=True)


def broken_twins(folder: Path) -> list[Path]:
    """Precompressed files that do not decompress to their original.

    pelican-precompress compresses in a process pool and never looks at the
    results: a worker that failed (a full disk) would go unnoticed and leave a
    truncated file that servers would send as the page.
    """
    import brotli  # noqa: PLC0415 - only needed once a build has succeeded

    decompress = {".gz": gzip.decompress, ".br": brotli.decompress}
    broken = []
    for twin in sorted(p for p in folder.rglob("*") if p.suffix in decompress and p.is_file()):
        original = twin.with_suffix("")
        if not original.is_file():  # a compressed file the site ships as such
            continue
        try:
            intact = decompress[twin.suffix](twin.read_bytes()) == original.read_bytes()
        except (OSError, EOFError, brotli.error):
            intact = False
        if not intact:
            broken.append(twin)
    return broken


def build_and_swap(args: argparse.Namespace, output: Path, previous: Path, lock_fd: int) -> int:
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output.parent))
    try:
        code = run_pelican(args, staging, lock_fd)
        if code != 0:
            print(f"publish failed (pelican exited with {code}): {shown(output)} left as it was",
                  file=sys.stderr)
            return code if code > 0 else EXIT_FAILED
        if not (staging / "build.json").is_file():  # Agora writes it as the build's last step
            print(f"publish failed: the build stopped before writing build.json; "
                  f"{shown(output)} left as it was", file=sys.stderr)
            return EXIT_FAILED
        if broken := broken_twins(staging):
            print(f"publish failed: {broken[0].relative_to(staging)} and {len(broken) - 1} other "
                  f"precompressed file(s) do not match their original; {shown(output)} left "
                  f"as it was", file=sys.stderr)
            return EXIT_FAILED
        had_output = output.exists()
        ignore_interrupts()
        swap_in(staging, output, previous)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    kept = f"previous build kept in {shown(previous)}" if had_output else "first build"
    print(f"published: {shown(output)} ({kept})")
    return EXIT_OK


def rollback(output: Path, previous: Path) -> int:
    if not previous.is_dir():
        print(f"publish: nothing to roll back to: {shown(previous)} does not exist",
              file=sys.stderr)
        return EXIT_FAILED
    ignore_interrupts()
    if not output.exists():
        os.rename(previous, output)
    elif not exchange(previous, output):
        # Not a staging name: a run killed in between must not have it cleaned away.
        aside = output.with_name(output.name + ".rollback")
        os.rename(output, aside)
        os.rename(previous, output)
        os.rename(aside, previous)
    print(f"rolled back: {shown(output)} is the previous build again "
          f"(the one it replaced is in {shown(previous)}; --rollback again undoes this)")
    return EXIT_OK


class Stopped(Exception):
    """SIGTERM or SIGHUP: unwind through the clean-up like Ctrl-C does."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


def ignore_interrupts() -> None:
    """From the first rename on, finishing is safer than stopping between two renames."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    output = Path(args.output).absolute()
    previous = output.with_name(output.name + ".previous")
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        with locked(output.parent) as lock_fd:
            remove_abandoned(output.parent)
            if args.rollback:
                return rollback(output, previous)
            return build_and_swap(args, output, previous, lock_fd)
    except (KeyboardInterrupt, Stopped) as stop:
        print(f"publish interrupted: {shown(output)} left as it was", file=sys.stderr)
        return 128 + getattr(stop, "signum", signal.SIGINT)


if __name__ == "__main__":
    sys.exit(main())
