"""A stand-in model hub on 127.0.0.1: the few routes huggingface_hub calls to download a repository.

Serves local model directories as hub repositories, so ``mixlingo models pull`` runs end
to end (``HF_ENDPOINT`` points huggingface_hub here) without the real hub:

- ``GET /api/models/{repo}/revision/{rev}``: the repository's commit and file list;
- ``GET /api/models/{repo}/tree/{rev}``: files with sizes;
- ``HEAD``/``GET /{repo}/resolve/{rev}/{file}``: a file's metadata headers and bytes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse


def _commit(repo: str) -> str:
    return hashlib.sha1(repo.encode()).hexdigest()  # 40 hex digits, like a git commit


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


def _handler(repos: Mapping[str, Path], requests: list[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet test output
            return

        def do_HEAD(self) -> None:  # http.server's name
            self._serve(body=False)

        def do_GET(self) -> None:  # the name http.server calls
            self._serve(body=True)

        def _serve(self, *, body: bool) -> None:
            path = unquote(urlparse(self.path).path)
            requests.append(f"{self.command} {path}")
            for repo, directory in repos.items():
                for prefix in (f"/api/models/{repo}/revision/", f"/api/models/{repo}/tree/"):
                    if path.startswith(prefix):
                        return self._json(self._listing(repo, directory, tree=prefix.endswith("/tree/")))
                prefix = f"/{repo}/resolve/"
                if path.startswith(prefix):
                    name = path[len(prefix):].split("/", 1)[1]
                    file = directory / name
                    if file.is_file():
                        return self._file(repo, file, body=body)
            self.send_response(404)
            self.send_header("X-Error-Code", "RepoNotFound")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _listing(self, repo: str, directory: Path, *, tree: bool) -> object:
            files = [(str(p.relative_to(directory)), p) for p in _files(directory)]
            if tree:
                return [{"type": "file", "path": name, "size": p.stat().st_size,
                         "oid": hashlib.sha1(p.read_bytes()).hexdigest()} for name, p in files]
            return {"id": repo, "modelId": repo, "sha": _commit(repo), "private": False,
                    "siblings": [{"rfilename": name} for name, _ in files]}

        def _json(self, data: object) -> None:
            raw = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _file(self, repo: str, file: Path, *, body: bool) -> None:
            raw = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("ETag", f'"{hashlib.sha1(raw).hexdigest()}"')
            self.send_header("X-Repo-Commit", _commit(repo))
            self.end_headers()
            if body:
                self.wfile.write(raw)

    return Handler


@contextmanager
def stand_in_hub(repos: Mapping[str, Path]) -> Iterator[tuple[str, list[str]]]:
    """Serve ``{"org/name": model_dir}``; yields (endpoint URL, log of requests made)."""
    requests: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(repos, requests))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
