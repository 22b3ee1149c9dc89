"""The Data page's import action, apart from its widgets so its checks can be tested.

Every check happens here, on the server, whatever the browser shows: the viewer's rights
(a disabled button is only a hint), one upload per file name, the size cap. Uploads are
spooled to a temporary folder and imported from disk, so validation streams them.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Engine

from valuemodel.data import importer
from valuemodel.data.importer import ImportRefused, ImportResult, import_folder
from valuemodel.present import value


class UploadRefused(ImportRefused):
    """Refused before validation (rights, repeated names, size): plain sentences."""


class Upload(Protocol):
    """What Streamlit's UploadedFile offers (a name, a size and a readable stream)."""

    name: str
    size: int

    def seek(self, offset: int, whence: int = 0) -> int: ...

    def read(self, size: int = -1) -> bytes: ...


def upload_problems(can_edit: bool, reason: str | None, uploads: Sequence[Upload]) -> list[str]:
    """Why these uploads may not be imported (one line each), or an empty list."""
    if not can_edit:
        return [reason or "Changing data is reserved for editors."]
    limit = importer.MAX_UPLOAD_BYTES
    problems = value.repeated_names(u.name for u in uploads)
    problems += [
        f"{u.name}: {u.size / 2**20:,.1f} MB is larger than the {limit // 2**20} MB "
        "limit; split it, or import the folder with `python -m valuemodel import FOLDER`."
        for u in uploads
        if u.size > limit
    ]
    return problems


def import_uploads(
    engine: Engine,
    can_edit: bool,
    reason: str | None,
    uploads: Sequence[Upload],
    *,
    replace_months: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Check, spool to disk and import `uploads`; ImportRefused (nothing written) otherwise."""
    problems = upload_problems(can_edit, reason, uploads)
    if problems:
        raise UploadRefused(problems)
    with tempfile.TemporaryDirectory(prefix="valuedash-upload-") as scratch:
        folder = Path(scratch)
        for upload in uploads:
            name = Path(upload.name).name  # a browser sends a bare name; never a path
            upload.seek(0)
            with (folder / name).open("wb") as out:
                shutil.copyfileobj(upload, out, 8 * 2**20)
        return import_folder(
            engine,
            folder,
            progress=progress,
            source="upload",
            replace_months=replace_months,
            max_file_bytes=importer.MAX_UPLOAD_BYTES,
        )
