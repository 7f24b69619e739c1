"""Slack's external file upload (what slack_sdk's files_upload_v2 uses), in three steps:
files.getUploadURLExternal hands out an upload URL, the bytes are POSTed there, and
files.completeUploadExternal shares the file in a channel or thread.
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any

Json = dict[str, Any]


class FileUploads:
    """Mixed into the stand-in; `uploaded_files()` lists what was shared, bytes included."""

    def _post_target(self, channel: Any) -> tuple[str, Json | None]:
        raise NotImplementedError  # WebApi's: where a post lands, or Slack's refusal

    def _init_files(self) -> None:
        self._files_lock = threading.Lock()
        self._pending_files: dict[str, Json] = {}
        self._shared_files: list[Json] = []

    def uploaded_files(self, channel: str | None = None) -> list[Json]:
        with self._files_lock:
            return [dict(f) for f in self._shared_files if channel in (None, f["channel"])]

    def _m_files_getUploadURLExternal(self, p: Json) -> Json:
        filename, length = p.get("filename"), p.get("length")
        if not filename or length in (None, ""):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = "F" + secrets.token_hex(5).upper()
        with self._files_lock:
            self._pending_files[file_id] = {
                "id": file_id,
                "name": filename,
                "length": int(length),
                "bytes": None,
            }
        return {"ok": True, "upload_url": f"{self._base_url()}upload/{file_id}", "file_id": file_id}

    def _receive_upload(self, file_id: str, body: bytes) -> tuple[int, str]:
        with self._files_lock:
            pending = self._pending_files.get(file_id)
            if pending is None:
                return 404, "file_not_found"
            pending["bytes"] = body
        return 200, f"OK - {len(body)}"

    def _m_files_completeUploadExternal(self, p: Json) -> Json:
        files = p.get("files") or []
        if isinstance(files, str):  # form-encoded, files is a JSON string
            try:
                files = json.loads(files)
            except ValueError:
                return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            return {"ok": False, "error": "invalid_arguments"}
        channel = p.get("channel_id") or p.get("channels")
        if channel:  # sharing is posting: the same membership rules as chat.postMessage
            channel, refusal = self._post_target(channel)
            if refusal is not None:
                return refusal
        shared = []
        with self._files_lock:
            for entry in files:
                pending = self._pending_files.pop(str(entry.get("id")), None)
                if pending is None or pending["bytes"] is None:
                    return {"ok": False, "error": "file_not_found"}
                record = {
                    **pending,
                    "title": entry.get("title") or pending["name"],
                    "channel": channel,
                    "thread_ts": p.get("thread_ts"),
                    "initial_comment": p.get("initial_comment"),
                }
                self._shared_files.append(record)
                shared.append({"id": record["id"], "title": record["title"]})
        return {"ok": True, "files": shared}
