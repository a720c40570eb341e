"""`monitor serve`: the built site in a browser, where the documented route (a Codespace) has no file viewer."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_preview_is_served_when_there_is_no_rendered_site(tmp_path):
    (tmp_path / "preview").mkdir()
    (tmp_path / "preview" / "index.html").write_text("<p>voorbeeld</p>", encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--out", tmp_path, "--port", str(port)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert "localhost" in server.stdout.readline()
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
                    assert response.read().decode() == "<p>voorbeeld</p>"
                    break
            except ConnectionError:
                time.sleep(0.1)
        else:
            raise AssertionError("nothing answered")
    finally:
        server.terminate()
        server.wait(10)


def test_an_empty_folder_is_a_usage_error(tmp_path, run_cli):
    code, _, err = run_cli("serve", "--out", tmp_path)
    assert code == 2 and "run 'monitor build' first" in err
