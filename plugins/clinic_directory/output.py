"""Writing the output so that a rebuild changes only files whose bytes changed.

The build writes into a fresh staging folder beside the published one. A file
whose new bytes equal the published file's is hard-linked from it (copied where
the file system has no hard links), so it keeps its inode and modification
time and a deploy tool that compares size and time uploads only what changed.
Nothing is ever written *into* an existing file: a file is created only where
none is, and where one is already there the new one is made under a temporary
name and renamed over it, so a hard link shared with the published folder can
never be written through. A file the new build does not
produce is simply absent from the staging folder, and a failed build deletes
the staging folder without having touched the published one.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.writers import FileOverwriteFailedError, Writer

#: Set by ``build.build_site``: the published folder this build replaces.
PREVIOUS_OUTPUT_SETTING = "CLINIC_PREVIOUS_OUTPUT"

#: What identifies one version of a file on disk: inode, size, modification time.
FileStamp = tuple[int, int, int]


def stamp_of(path: str | Path) -> FileStamp | None:
    """The file's stamp, or None if it is missing."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _create(target: str, put: Callable[[str], None]) -> None:
    """Create ``target`` with ``put``; where a file is already there, create it
    under a temporary name and rename that over it, so an existing file (perhaps a
    hard link shared with the published folder) is never written into."""
    try:
        put(target)
    except FileExistsError:
        temporary = f"{target}.replacing"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        put(temporary)
        os.replace(temporary, target)


def _link_or_copy(source: str) -> Callable[[str], None]:
    def put(target: str) -> None:
        try:
            os.link(source, target)
        except FileExistsError:
            raise
        except OSError:  # no hard links here (another device, FAT, some network drives)
            shutil.copy2(source, target)

    return put


def _bytes(data: bytes) -> Callable[[str], None]:
    def put(target: str) -> None:
        with open(target, "xb") as file:
            file.write(data)

    return put


@dataclass(frozen=True)
class StagedOutput:
    """The folder a build writes into, and the published folder it replaces.

    When both are the same folder (a plain ``pelican`` run), unchanged files are
    simply left alone.
    """

    folder: Path
    previous: Path
    #: Folders this output knows exist: most files share theirs with others, and
    #: asking the file system again for each costs as much as the file itself.
    _made: set[str] = field(default_factory=set, init=False, compare=False, repr=False)

    @classmethod
    def from_settings(cls, output_path: str | Path, settings: Mapping[str, Any]) -> StagedOutput:
        folder = Path(output_path)
        return cls(folder, Path(settings.get(PREVIOUS_OUTPUT_SETTING) or folder))

    @property
    def in_place(self) -> bool:
        return self.folder == self.previous

    def _target(self, relative: str) -> str:
        """Where ``relative`` goes in the staging folder, its folder made."""
        target = os.path.join(self.folder, relative)
        parent = os.path.dirname(target)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        return target

    def write(self, relative: str, data: bytes) -> bool:
        """Put ``data`` at ``relative``; return whether it differs from the published file."""
        published = os.path.join(self.previous, relative)
        try:
            with open(published, "rb") as file:
                unchanged = os.fstat(file.fileno()).st_size == len(data) and file.read() == data
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            unchanged = False
        if not unchanged:
            _create(self._target(relative), _bytes(data))
        elif not self.in_place:
            _create(self._target(relative), _link_or_copy(published))
        return not unchanged

    def write_text(self, relative: str, text: str) -> bool:
        return self.write(relative, text.encode("utf-8"))

    def keep(self, stamps: Mapping[str, FileStamp]) -> bool:
        """Carry the published files over if each is still the version its stamp names.

        If any is missing or has changed since, return False and carry none over.
        """
        published = {name: os.path.join(self.previous, name) for name in stamps}
        if any(stamp_of(published[name]) != stamp for name, stamp in stamps.items()):
            return False
        if not self.in_place:
            for name, path in published.items():
                _create(self._target(name), _link_or_copy(path))
        return True

    def stamp(self, relative: str) -> FileStamp | None:
        """The stamp of a file this build wrote or kept, as it will be published."""
        return stamp_of(os.path.join(self.folder, relative))

    def adopt(self, source: Path, relative: str) -> list[str]:
        """Move a finished folder written elsewhere on this file system (a search
        bundle) to ``relative``, keeping the published version of every file that
        did not change; return the names of the files it holds.

        Files are moved, not read and written again (a bundle has a file per page),
        so what is left of ``source`` is only the files that did not change.
        """
        names = []
        for folder, _, files in os.walk(source):
            inside = os.path.relpath(folder, source).replace(os.sep, "/")
            prefix = relative if inside == "." else f"{relative}/{inside}"
            for file in files:
                names.append(f"{prefix}/{file}")
                self._place(names[-1], os.path.join(folder, file))
        return names

    def _place(self, relative: str, source: str) -> None:
        """``write`` for a file already on disk, read only when the published file
        has the same size and so may have the same bytes."""
        published = os.path.join(self.previous, relative)
        unchanged = _same_bytes(source, published)
        if not unchanged:
            _create(self._target(relative), _move(source))
        elif not self.in_place:
            _create(self._target(relative), _link_or_copy(published))


def _move(source: str) -> Callable[[str], None]:
    def put(target: str) -> None:
        if os.path.lexists(target):
            raise FileExistsError(target)
        try:
            os.rename(source, target)
        except OSError:  # another file system
            shutil.copy2(source, target)

    return put


def _same_bytes(path: str, other: str) -> bool:
    try:
        if os.stat(path).st_size != os.stat(other).st_size:
            return False
        with open(path, "rb") as one, open(other, "rb") as two:
            return one.read() == two.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False


class _PendingText(io.StringIO):
    """What Pelican writes to one file; handed to ``StagedOutput`` when closed
    without an error, so a failed render never leaves half a file."""

    def __init__(self, output: StagedOutput, relative: str) -> None:
        super().__init__()
        self._output = output
        self._relative = relative

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self._output.write_text(self._relative, self.getvalue())
        super().__exit__(kind, *rest)


class StagedWriter(Writer):
    """Pelican's writer, writing every page through ``StagedOutput``.

    Pelican opens each output file through ``_open_w``; this keeps its rules on
    writing a file twice (``override_output``) and replaces only the opening.
    """

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.output = StagedOutput.from_settings(output_path, self.settings)

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            return open(os.devnull, "w", encoding=encoding)
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it '
                "previously (set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        relative = Path(os.path.relpath(filename, self.output.folder)).as_posix()
        return _PendingText(self.output, relative)
