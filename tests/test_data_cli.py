"""``cookbook data status | download | import`` and the ``--data keras/auto`` messages, offline.

Every test points ``KERAS_HOME`` at its own temporary folder, so the real ``~/.keras`` is
never read or written, and points Keras's download host at a closed port on 127.0.0.1, so
nothing can reach the real network. Downloads come from a tiny HTTP server in a thread that
serves fixture bytes; a test that wants a download to *succeed* patches the expected SHA-256
in ``cache.FILES`` to the fixture's.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import snapshot

from cookbook import data
from cookbook.cli import main
from cookbook.data import cache

GOOD = b"pretend this is mnist.npz\n" * 4000  # ~100 kB: several reads, so progress moves
OTHER = b"a different file entirely\n" * 100


def digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def offline_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty Keras home; no proxies; Keras's host replaced by a refusing port."""
    home = tmp_path / "keras-home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setattr(cache, "ORIGIN", f"http://127.0.0.1:{closed_port()}/datasets/")
    monkeypatch.setattr(data, "_resolved", {})
    return home / "datasets"


@pytest.fixture
def good_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the fixture bytes ``GOOD`` the mnist file Keras 'expects'."""
    monkeypatch.setitem(cache.FILES, "mnist", cache.RemoteFile("mnist", "mnist.npz", digest(GOOD)))


class Server:
    """A local HTTP server: ``/good/`` serves GOOD, ``/other/`` OTHER, and ``/short/`` promises
    more bytes than it sends and then hangs up. ``requests`` counts what it was asked."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                owner.requests.append(self.path)
                kind = self.path.strip("/").split("/")[0]
                if kind not in ("good", "other", "short"):
                    self.send_error(404)
                    return
                body = OTHER if kind == "other" else GOOD
                self.send_response(200)
                promised = len(body) + (5000 if kind == "short" else 0)
                self.send_header("Content-Length", str(promised))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if kind == "short" else body)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A server that accepts connections (the kernel does) but never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/mirror"
    sock.close()


@pytest.fixture
def trickle_url() -> Iterator[str]:
    """A server that answers at once, then sends one byte every 0.2 s: every read is quick,
    the whole file would take hours. A limit per read never ends this; a total limit does."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            self.send_response(200)
            self.send_header("Content-Length", str(len(GOOD)))
            self.end_headers()
            try:
                for byte in GOOD:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:  # the client gave up
                pass

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/trickle"
    httpd.shutdown()
    httpd.server_close()


def data_cli(*args: str):
    return CliRunner().invoke(main, ["data", *args], catch_exceptions=False)


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


# --- download -------------------------------------------------------------------------------


def test_mirror_download_with_matching_hash_lands_in_the_cache(offline_cache, server, good_hash):
    result = data_cli("download", "mnist", "--mirror", f"{server.url}/good/")
    assert result.exit_code == 0, result.output
    assert snapshot(offline_cache) == {"mnist.npz": GOOD}  # no temporary file left behind
    assert server.requests == ["/good/mnist.npz"]
    assert f"from {server.url}/good/mnist.npz, SHA-256 ok" in result.stdout
    assert "downloading mnist.npz" in result.stderr  # the progress bar's label, on stderr


def test_good_cached_file_is_kept_without_a_download(offline_cache, server, good_hash):
    offline_cache.mkdir(parents=True)
    (offline_cache / "mnist.npz").write_bytes(GOOD)
    result = data_cli("download", "mnist", "--mirror", f"{server.url}/good")
    assert result.exit_code == 0
    assert "already cached" in result.stdout
    assert server.requests == []


def test_mirror_download_with_wrong_hash_is_refused_and_leaves_nothing(offline_cache, server):
    result = data_cli("download", "mnist", "--mirror", f"{server.url}/good")
    assert result.exit_code == 1
    [line] = error_lines(result)
    assert f"{server.url}/good/mnist.npz" in line
    assert digest(GOOD) in line and cache.FILES["mnist"].sha256 in line
    assert snapshot(offline_cache) == {}


def test_wrong_download_never_replaces_a_good_file(offline_cache, server, good_hash):
    offline_cache.mkdir(parents=True)
    (offline_cache / "mnist.npz").write_bytes(GOOD)
    result = data_cli("download", "mnist", "--force", "--mirror", f"{server.url}/other")
    assert result.exit_code == 1
    assert "wrong file" in error_lines(result)[0]
    assert snapshot(offline_cache) == {"mnist.npz": GOOD}


def test_interrupted_download_leaves_no_partial_file(offline_cache, server, good_hash):
    result = data_cli("download", "mnist", "--mirror", f"{server.url}/short")
    assert result.exit_code == 1
    [line] = error_lines(result)
    assert "closed" in line and f"{server.url}/short/mnist.npz" in line
    assert snapshot(offline_cache) == {}


def test_silent_server_times_out_cleanly(offline_cache, silent_url, good_hash):
    start = time.perf_counter()
    result = data_cli("download", "mnist", "--mirror", silent_url, "--timeout", "1")
    elapsed = time.perf_counter() - start
    assert result.exit_code == 1
    [line] = error_lines(result)
    assert "not complete within 1 s" in line and f"{silent_url}/mnist.npz" in line
    assert elapsed < 5
    assert snapshot(offline_cache) == {}


def test_a_trickling_server_is_given_up_on_within_the_time_limit(offline_cache, trickle_url):
    start = time.perf_counter()
    result = data_cli("download", "mnist", "--mirror", trickle_url, "--timeout", "2")
    elapsed = time.perf_counter() - start
    assert result.exit_code == 1
    assert "not complete within 2 s" in error_lines(result)[0]
    assert elapsed < 5
    assert snapshot(offline_cache) == {}


def test_data_auto_gives_up_on_a_trickle_within_its_total_time(
    offline_cache, trickle_url, monkeypatch, capsys
):
    monkeypatch.setattr(cache, "ORIGIN", trickle_url + "/")
    start = time.perf_counter()
    assert data.resolve_source("imdb", "auto", timeout=2) == "sample"
    elapsed = time.perf_counter() - start
    assert elapsed < 5
    err = capsys.readouterr().err
    assert "downloading imdb.npz" in err  # progress was shown while it waited
    assert "not complete within 2 s" in err and "using offline sample data" in err


def test_missing_file_on_the_mirror_names_the_http_error(offline_cache, server):
    result = data_cli("download", "mnist", "--mirror", f"{server.url}/nothing-here")
    assert result.exit_code == 1
    assert "HTTP 404" in error_lines(result)[0]


def test_unreachable_host_fails_in_one_line(offline_cache):
    result = data_cli("download", "imdb")
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"error: imdb: could not download {cache.url_for('imdb')}: connection refused"
    ]
    assert result.stdout == ""


def test_mirror_must_be_a_url():
    result = data_cli("download", "--mirror", "ftp://example.org/x")
    assert result.exit_code == 2
    assert "http://, https:// or file://" in result.output


# --- import ---------------------------------------------------------------------------------


def test_import_of_a_wrong_file_is_refused_and_changes_nothing(offline_cache, tmp_path):
    offline_cache.mkdir(parents=True)
    (offline_cache / "reuters.npz").write_bytes(b"whatever was there")
    before = snapshot(offline_cache)
    user_file = tmp_path / "mnist.npz"
    user_file.write_bytes(OTHER)
    stat_before = user_file.stat()

    result = data_cli("import", str(user_file))

    assert result.exit_code == 1
    assert f"expected SHA-256: {cache.FILES['mnist'].sha256}" in result.stderr
    assert f"actual SHA-256:   {digest(OTHER)}" in result.stderr
    assert "nothing was copied" in result.stderr
    assert snapshot(offline_cache) == before
    assert user_file.read_bytes() == OTHER
    assert user_file.stat().st_mtime_ns == stat_before.st_mtime_ns


def test_import_copies_a_good_file_and_keeps_the_original(offline_cache, tmp_path, good_hash):
    user_file = tmp_path / "downloads" / "mnist (1).npz"
    user_file.parent.mkdir()
    user_file.write_bytes(GOOD)

    result = data_cli("import", str(user_file))
    assert result.exit_code == 0, result.output
    assert "SHA-256 ok" in result.stdout
    assert snapshot(offline_cache) == {"mnist.npz": GOOD}
    assert user_file.read_bytes() == GOOD

    again = data_cli("import", str(user_file))
    assert again.exit_code == 0
    assert "already present" in again.stdout


def test_import_replaces_a_corrupt_cached_file(offline_cache, tmp_path, good_hash):
    offline_cache.mkdir(parents=True)
    (offline_cache / "mnist.npz").write_bytes(b"truncated")
    user_file = tmp_path / "anything.bin"
    user_file.write_bytes(GOOD)
    result = data_cli("import", str(user_file), "--name", "mnist")
    assert result.exit_code == 0, result.output
    assert snapshot(offline_cache) == {"mnist.npz": GOOD}


def test_import_recognises_a_file_by_its_hash(offline_cache, tmp_path, good_hash):
    user_file = tmp_path / "download.npz"
    user_file.write_bytes(GOOD)
    assert data_cli("import", str(user_file)).exit_code == 0
    assert snapshot(offline_cache) == {"mnist.npz": GOOD}


def test_import_of_an_unknown_unnamed_file_is_refused(offline_cache, tmp_path):
    user_file = tmp_path / "download.npz"
    user_file.write_bytes(OTHER)
    result = data_cli("import", str(user_file))
    assert result.exit_code == 1
    assert "matches none of them" in result.stderr
    assert snapshot(offline_cache) == {}


def test_import_points_at_the_right_name(offline_cache, tmp_path, good_hash):
    user_file = tmp_path / "imdb.npz"  # really the (patched) mnist file
    user_file.write_bytes(GOOD)
    result = data_cli("import", str(user_file))
    assert result.exit_code == 1
    assert "--name mnist" in result.stderr
    assert snapshot(offline_cache) == {}


# --- status ---------------------------------------------------------------------------------


def status_row(output: str, name: str) -> list[str]:
    [line] = [line for line in output.splitlines() if line.startswith(name + " ")]
    return line.split()


def test_status_with_an_empty_cache(offline_cache):
    result = data_cli("status")
    assert result.exit_code == 0
    assert str(offline_cache) in result.stdout.splitlines()[0]  # KERAS_HOME is honoured
    for name in ("imdb", "reuters", "mnist"):
        fname = f"{name}.npz"
        assert status_row(result.stdout, name) == [
            name,
            fname,
            "no",
            "-",
            "-",
            str(offline_cache / fname),
        ]
    assert "missing: imdb reuters mnist" in result.stdout


def test_status_with_a_good_and_a_corrupt_file(offline_cache, good_hash):
    offline_cache.mkdir(parents=True)
    (offline_cache / "mnist.npz").write_bytes(GOOD)
    (offline_cache / "imdb.npz").write_bytes(b"x" * 1500)
    result = data_cli("status")
    assert result.exit_code == 0
    assert status_row(result.stdout, "mnist")[2:6] == ["yes", "104.0", "kB", "ok"]
    assert status_row(result.stdout, "imdb")[2:6] == ["yes", "1.5", "kB", "MISMATCH"]
    assert status_row(result.stdout, "reuters")[2] == "no"
    assert "imdb: wrong SHA-256" in result.stdout


def test_status_does_not_import_tensorflow(offline_cache):
    code = (
        "import sys\n"
        "from cookbook.cli import main\n"
        "main(['data', 'status'], standalone_mode=False)\n"
        "heavy = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "sys.exit(f'imported {heavy}' if heavy else 0)\n"
    )
    env = {**os.environ, "KERAS_HOME": str(offline_cache.parent)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "mnist.npz" in done.stdout


# --- what `--data keras` and `--data auto` say when the data cannot be had ------------------


def test_data_keras_unavailable_message(offline_cache):
    with pytest.raises(data.DataUnavailable) as caught:
        data.resolve_source("imdb", "keras")
    message = str(caught.value)
    assert cache.url_for("imdb") in message  # the URL tried
    assert "connection refused" in message  # what failed
    assert str(offline_cache / "imdb.npz") in message  # where Keras looks
    assert "`cookbook data import FILE`" in message and "`--data sample`" in message
    assert "\n" not in message


def test_data_keras_says_when_the_cached_file_is_damaged(offline_cache):
    offline_cache.mkdir(parents=True)
    (offline_cache / "imdb.npz").write_bytes(b"not imdb")
    with pytest.raises(data.DataUnavailable, match="cached file has the wrong SHA-256"):
        data.resolve_source("imdb", "keras")
    assert snapshot(offline_cache) == {"imdb.npz": b"not imdb"}  # we never delete it


def test_data_auto_falls_back_to_sample_with_one_notice(offline_cache, capsys):
    assert data.resolve_source("reuters", "auto") == "sample"
    assert data.resolve_source("reuters", "auto") == "sample"  # remembered: no second notice
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("note: the real reuters dataset is not available")
    assert cache.url_for("reuters") in err and "using offline sample data" in err


def test_data_auto_uses_a_verified_cached_file(offline_cache, good_hash, capsys):
    offline_cache.mkdir(parents=True)
    (offline_cache / "mnist.npz").write_bytes(GOOD)
    assert data.resolve_source("mnist", "auto") == "keras"
    assert capsys.readouterr().err == ""


# --- small helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 B"), (999, "999 B"), (1500, "1.5 kB"), (17_464_789, "17.5 MB"), (10**10, "10000.0 MB")],
)
def test_human_size(size, shown):
    from importlib import import_module

    assert import_module("cookbook.cli.data").human_size(size) == shown


@pytest.mark.parametrize(
    ("file_name", "name"),
    [("mnist.npz", "mnist"), ("MNIST (2).npz", "mnist"), ("imdb_reuters.npz", None), ("x", None)],
)
def test_infer_name(file_name, name):
    assert cache.infer_name(Path(file_name)) == name
