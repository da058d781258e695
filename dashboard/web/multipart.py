"""A ``multipart/form-data`` body already held in memory, split into its file and text fields.

Why not Starlette's parser (python-multipart): the API reads the whole body first anyway, to
hold it to the upload limit even when no length is declared, and for a 15 MB survey export
python-multipart's streaming callbacks plus the temporary file it spools to took 0.28 s,
a seventh of the import itself. Finding the boundaries in the bytes takes 0.02 s. Header
parameters are still read by python-multipart's ``parse_options_header``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.multipart import parse_options_header

MAX_FIELDS = 20
MAX_FIELD_BYTES = 64 * 1024


class FormError(ValueError):
    """A body that is not a well-formed form of one file and a few text fields."""


@dataclass
class Form:
    file_name: str | None = None
    data: bytes = b""
    fields: dict[str, str] = field(default_factory=dict)


def boundary_of(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary", b"")
    if kind != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise FormError("the content type names no multipart boundary")
    return boundary


def _disposition(head: bytes) -> tuple[str, str | None]:
    """The part's field name and file name, from its Content-Disposition header."""
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-disposition":
            kind, options = parse_options_header(value.strip())
            if kind != b"form-data" or b"name" not in options:
                break
            file_name = options.get(b"filename")
            return options[b"name"].decode("utf-8", "replace"), (
                None if file_name is None else file_name.decode("utf-8", "replace")
            )
    raise FormError("a part of the form has no Content-Disposition: form-data with a name")


def parse(body: bytes, content_type: str) -> Form:
    """The form's one file part (the first with a file name) and its text fields."""
    delimiter = b"--" + boundary_of(content_type)
    form = Form()
    position = body.find(delimiter)
    if position == -1:
        raise FormError("the body holds no part of the form")
    while True:
        start = position + len(delimiter)
        if body[start : start + 2] == b"--":
            return form
        if body[start : start + 2] != b"\r\n":
            raise FormError("a form boundary is not followed by a line break")
        head_end = body.find(b"\r\n\r\n", start + 2)
        end = body.find(b"\r\n" + delimiter, head_end + 4) if head_end != -1 else -1
        if end == -1:
            raise FormError("the form ends before its closing boundary")
        name, file_name = _disposition(body[start + 2 : head_end])
        content = body[head_end + 4 : end]
        if file_name is not None and form.file_name is None:
            form.file_name, form.data = file_name, content
        elif file_name is None:
            if len(form.fields) >= MAX_FIELDS or len(content) > MAX_FIELD_BYTES:
                raise FormError(f"a form has at most {MAX_FIELDS} fields of {MAX_FIELD_BYTES // 1024} KB each")
            form.fields[name] = content.decode("utf-8", "replace")
        position = end + 2
