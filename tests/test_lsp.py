"""The language server, driven over its protocol in-process: initialise, open a
file with a mistake, receive the diagnostic where it belongs, hover, go to
definition (into the parent scheme too), complete names."""

import json
import os
import threading

import pytest

from barometer.dsl import files as dsl_files

from .conftest import ROOT, RULES


class Client:
    """Just enough JSON-RPC over a pair of pipes."""

    def __init__(self):
        from barometer.lsp import server

        to_server_r, self._to_server = os.pipe()
        self._from_server, from_server_w = os.pipe()
        self.rfile = os.fdopen(self._from_server, "rb")
        self.wfile = os.fdopen(self._to_server, "wb")
        server_in = os.fdopen(to_server_r, "rb")
        server_out = os.fdopen(from_server_w, "wb")
        self.thread = threading.Thread(target=server.start_io, args=(server_in, server_out),
                                       daemon=True)
        self.thread.start()
        self.next_id = 0
        self.notes = []

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.wfile.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.wfile.flush()

    def receive(self) -> dict:
        length = None
        while True:
            line = self.rfile.readline()
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.rfile.read(length))

    def request(self, method: str, params: dict):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                assert "error" not in message, message
                return message.get("result")
            self.notes.append(message)

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def wait_for(self, method: str) -> dict:
        for i, note in enumerate(self.notes):
            if note.get("method") == method:
                return self.notes.pop(i)
        while True:
            message = self.receive()
            if message.get("method") == method:
                return message
            self.notes.append(message)


def uri(path) -> str:
    return "file://" + str(path)


@pytest.fixture(scope="module")
def client():
    c = Client()
    c.request("initialize", {"processId": None, "rootUri": uri(ROOT), "capabilities": {}})
    c.notify("initialized", {})
    yield c
    c.request("shutdown", None)
    c.notify("exit", None)
    dsl_files.OVERLAY.clear()


def test_diagnostics_follow_the_edited_text(client, tmp_path):
    path = tmp_path / "draft.events"
    text = (f"# check with: {RULES}\n"
            'period "Draft" from 2021-01-01 to 2021-02-28\n'
            "[4 January] A call\n"
            "    rusia +1\n")
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(path), "languageId": "barometer-events", "version": 1, "text": text}})
    note = client.wait_for("textDocument/publishDiagnostics")["params"]
    [d] = note["diagnostics"]
    assert d["code"] == "B101" and d["severity"] == 1
    assert d["message"] == "unknown index `rusia`\ndid you mean `russia`?"
    assert d["range"] == {"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 9}}
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(path), "version": 2},
        "contentChanges": [{"text": text.replace("rusia", "russia")}]})
    note = client.wait_for("textDocument/publishDiagnostics")["params"]
    assert note["diagnostics"] == []


def test_hover_definition_and_completion(client):
    child = ROOT / "rules" / "minsk-by-category.rules"
    text = child.read_text(encoding="utf-8")
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(child), "languageId": "barometer-rules", "version": 1, "text": text}})
    client.wait_for("textDocument/publishDiagnostics")
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("category sanctions"))
    where = {"textDocument": {"uri": uri(child)}, "position": {"line": row, "character": 12}}
    hover = client.request("textDocument/hover", where)
    assert hover["contents"]["value"].startswith(
        "**category sanctions**: Sanctions, restrictions and legal measures, weight 3")
    # the index is declared in the parent scheme: definition goes there
    events = ROOT / "examples" / "minsk-barometer-19.events"
    etext = events.read_text(encoding="utf-8")
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(events), "languageId": "barometer-events", "version": 1, "text": etext}})
    client.wait_for("textDocument/publishDiagnostics")
    row = etext.splitlines().index("    russia +1")
    found = client.request("textDocument/definition", {
        "textDocument": {"uri": uri(events)}, "position": {"line": row, "character": 6}})
    assert found["uri"] == uri(RULES)
    declared = RULES.read_text(encoding="utf-8").splitlines()[found["range"]["start"]["line"]]
    assert declared.startswith("index russia")
    items = client.request("textDocument/completion", {
        "textDocument": {"uri": uri(events)}, "position": {"line": row, "character": 4}})
    labels = {item["label"] for item in items["items"]}
    assert {"russia", "regional_tension", "sanctions", "nuclear_power"} <= labels
