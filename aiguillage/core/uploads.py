"""The size limit of an upload, applied before the body is read.

A directory import is the only large upload (``IMPORT_MAX_BYTES``); the import form
says the limit and refuses a larger file with a message. This handler, first of
``FILE_UPLOAD_HANDLERS``, stops a body far over it before Django spools it to disk:
the request is answered 400 (Django's ``RequestDataTooBig``) without reading it. The
reverse proxy should refuse such bodies even earlier (docs/security.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

# The form's other fields and the multipart boundaries around the file.
MULTIPART_OVERHEAD = 64 * 1024


def body_limit() -> int:
    return settings.IMPORT_MAX_BYTES + MULTIPART_OVERHEAD


class BodySizeLimitUploadHandler(FileUploadHandler):
    """Refuse a multipart body larger than the largest upload we accept."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length is not None and content_length > body_limit():
            raise RequestDataTooBig(
                f"Upload body of {content_length} bytes exceeds IMPORT_MAX_BYTES."
            )
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        # A body whose length was not declared up front is counted as it comes.
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > body_limit():
            raise RequestDataTooBig("Upload exceeds IMPORT_MAX_BYTES.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
