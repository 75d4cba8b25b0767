"""The language server, driven over its protocol in-process: initialise, open a
file with a mistake, receive the diagnostic where it belongs, hover, go to
definition (into the parent scheme too), complete names, format, quick-fix;
positions in the client's encoding; documents not saved anywhere, rules files
edited but not saved, rules files with errors, pipes named as schemes."""

import json
import os
import select
import threading

import pytest

from barometer.dsl import files as dsl_files

from .conftest import ROOT, RULES
from .helpers import write


class Client:
    """Just enough JSON-RPC over a pair of pipes."""

    def __init__(self):
        from barometer.lsp import create_server

        server = create_server()
        to_server_r, self._to_server = os.pipe()
        self._from_server, from_server_w = os.pipe()
        self.buffer = b""
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

    def _more(self, timeout: float) -> None:
        # a server that hangs fails the test instead of hanging the suite
        ready, _, _ = select.select([self._from_server], [], [], timeout)
        assert ready, "the server did not answer"
        data = os.read(self._from_server, 1 << 20)
        assert data, "the server closed the connection"
        self.buffer += data

    def receive(self, timeout: float = 20) -> dict:
        while b"\r\n\r\n" not in self.buffer:
            self._more(timeout)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(self.buffer) < length:
            self._more(timeout)
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return json.loads(body)

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

    def wait_for(self, method: str, address: str | None = None) -> dict:
        def wanted(note):
            return note.get("method") == method and (
                address is None or note.get("params", {}).get("uri") == address)

        for i, note in enumerate(self.notes):
            if wanted(note):
                return self.notes.pop(i)
        while True:
            message = self.receive()
            if wanted(message):
                return message
            self.notes.append(message)


def uri(path) -> str:
    return "file://" + str(path)


def started(capabilities: dict | None = None, root=ROOT) -> Client:
    c = Client()
    c.request("initialize", {"processId": None, "rootUri": uri(root),
                             "capabilities": capabilities or {}})
    c.notify("initialized", {})
    return c


def stopped(c: Client) -> None:
    c.request("shutdown", None)
    c.notify("exit", None)
    dsl_files.OVERLAY.clear()


@pytest.fixture(scope="module")
def client():
    c = started()
    yield c
    stopped(c)


def open_doc(client, path_or_uri, text, language="barometer-events", version=1):
    address = path_or_uri if ":" in str(path_or_uri)[:10] else uri(path_or_uri)
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": address, "languageId": language, "version": version, "text": text}})
    return address


def diagnostics_of(client, address) -> list:
    """The next diagnostics published for one document (others are kept)."""
    return client.wait_for("textDocument/publishDiagnostics", address)["params"]["diagnostics"]


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
    # where a score line starts, the index names (not categories or tags)
    assert {"russia", "regional_tension"} <= labels
    assert not {"sanctions", "nuclear_power"} & labels


# --- positions: the client's encoding -------------------------------------------

AWKWARD = 'rule r "Правило − ✓ – 😀" when index is rusia then clamp'
AWKWARD_RULES = ('scheme "Тест"\nrange -3 to +3\nscore recorded\nindex russia "Россия"\n'
                 f'{AWKWARD}\n'
                 'rule s "Ещё − – 😀" when index in [russia, eu] then clamp\n'
                 'index eu "ЕС"\n')


def units(text: str, encoding: str) -> int:
    return {"utf-8": len(text.encode("utf-8")),
            "utf-16": len(text.encode("utf-16-le")) // 2,
            "utf-32": len(text)}[encoding]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32", None])
def test_positions_are_in_the_encoding_the_client_negotiates(tmp_path, encoding):
    offered = {"general": {"positionEncodings": [encoding]}} if encoding else {}
    c = started(offered)
    try:
        reply_encoding = encoding or "utf-16"  # the protocol's default
        path = tmp_path / "awkward.rules"
        address = open_doc(c, path, AWKWARD_RULES, "barometer-rules")
        [d] = diagnostics_of(c, address)
        start = AWKWARD.index("index is")
        assert d["range"]["start"] == {"line": 4,
                                       "character": units(AWKWARD[:start], reply_encoding)}
        assert d["range"]["end"]["character"] == units(AWKWARD[:start + 14], reply_encoding)
        # and positions received are read in the same units
        line = AWKWARD_RULES.splitlines()[5]
        at = units(line[:line.index("eu]") + 1], reply_encoding)
        hover = c.request("textDocument/hover", {"textDocument": {"uri": address},
                                                 "position": {"line": 5, "character": at}})
        assert hover["contents"]["value"].startswith("**index eu**: ЕС")
        # the fix replaces the misspelled name only, in the client's units
        [action] = c.request("textDocument/codeAction", {
            "textDocument": {"uri": address}, "range": d["range"],
            "context": {"diagnostics": [d]}})
        [edit] = action["edit"]["changes"][address]
        assert edit["newText"] == "russia"
        rusia = AWKWARD.index("rusia")
        assert edit["range"] == {
            "start": {"line": 4, "character": units(AWKWARD[:rusia], reply_encoding)},
            "end": {"line": 4, "character": units(AWKWARD[:rusia + 5], reply_encoding)}}
    finally:
        stopped(c)


# --- documents: not saved anywhere, edited but not saved, broken, or not files ---------

SMALL_RULES = ('scheme "Small"\nrange -3 to +3\nscore recorded\n'
               'index russia "Russia"\nindex eu "EU"\ncategory contacts "Contacts"\n')


def catalogue(directive: str, scores: str = "russia +1") -> str:
    return (f"# check with: {directive}\n"
            'period "Draft" from 2021-01-01 to 2021-02-28\n'
            "[4 January] A call\n"
            f"    {scores}\n")


def test_untitled_documents_are_checked_from_their_text(client):
    rules = open_doc(client, "untitled:Untitled-1", SMALL_RULES + "index rusia\nbands rusa {\n}\n",
                     "barometer-rules")
    found = diagnostics_of(client, rules)
    assert found and all(d["source"] == "barometer" for d in found)
    events = open_doc(client, "untitled:Untitled-2", catalogue(str(RULES), "rusia +1"))
    [d] = diagnostics_of(client, events)
    assert d["code"] == "B101" and d["range"]["start"] == {"line": 3, "character": 4}
    # the server still answers
    hover = client.request("textDocument/hover", {"textDocument": {"uri": events},
                                                  "position": {"line": 3, "character": 5}})
    assert hover is None


def test_unsaved_rules_edits_reach_the_event_files_that_use_them(client, tmp_path):
    real = tmp_path / "real"
    (real / "rules").mkdir(parents=True)
    (real / "examples").mkdir()
    (real / "rules" / "small.rules").write_text(SMALL_RULES, encoding="utf-8")
    (tmp_path / "link").symlink_to(real)  # the workspace is opened through a link
    rules = open_doc(client, real / "rules" / "small.rules", SMALL_RULES + 'index china "China"\n',
                     "barometer-rules")
    assert diagnostics_of(client, rules) == []
    events = open_doc(client, tmp_path / "link" / "examples" / "draft.events",
                      catalogue("../rules/small.rules", "china +1"))
    assert diagnostics_of(client, events) == []  # `china` is known from the unsaved text
    # the rules file changes: the event file is checked again
    client.notify("textDocument/didChange", {"textDocument": {"uri": rules, "version": 2},
                                             "contentChanges": [{"text": SMALL_RULES}]})
    assert diagnostics_of(client, rules) == []
    [d] = diagnostics_of(client, events)
    assert d["code"] == "B101" and "`china`" in d["message"]
    # while the rules file has errors, the event file says why it is not checked
    client.notify("textDocument/didChange", {"textDocument": {"uri": rules, "version": 3},
                                             "contentChanges": [{"text": SMALL_RULES + "index\n"}]})
    assert diagnostics_of(client, rules)
    [d] = diagnostics_of(client, events)
    assert d["message"] == ("the scheme ../rules/small.rules has errors; "
                            "fix them to check this file")
    assert d["range"] == {"start": {"line": 0, "character": 14},
                          "end": {"line": 0, "character": 34}}
    client.notify("textDocument/didClose", {"textDocument": {"uri": rules}})
    assert diagnostics_of(client, rules) == []
    [d] = diagnostics_of(client, events)  # back to the file on disk
    assert d["code"] == "B101"


def test_only_regular_files_are_read_as_schemes(client, tmp_path):
    pipe = tmp_path / "pipe.rules"
    os.mkfifo(pipe)  # reading it would wait for a writer for ever
    (tmp_path / "folder.rules").mkdir()
    for named in (pipe, tmp_path / "folder.rules", "/dev/null"):
        events = open_doc(client, tmp_path / f"{os.path.basename(named)}.events",
                          catalogue(str(named)))
        [d] = diagnostics_of(client, events)
        assert d["message"].startswith(f"{named} is not a regular file") and d["severity"] == 1
        assert d["range"]["start"] == {"line": 0, "character": 14} and d["code"] == "B004"
    # nor through `extends` (`extends "/dev/stdin"` had no code)
    for k, named in enumerate((pipe, "/dev/stdin")):
        rules = open_doc(client, tmp_path / f"child{k}.rules",
                         f'scheme "Child"\nextends "{named}"\n', "barometer-rules")
        [d] = diagnostics_of(client, rules)
        assert d["message"].startswith(f"{named} is not a regular file") and d["code"] == "B004"
        assert d["range"]["start"]["line"] == 1
    events = open_doc(client, tmp_path / "lost.events", catalogue(str(tmp_path / "no.rules")))
    [d] = diagnostics_of(client, events)
    assert d["message"].startswith("no such rules file") and d["code"] == "B002"


# --- formatting, quick fixes, completion by context ------------------------------

def test_formatting_is_fmt_and_leaves_broken_files_alone(client, tmp_path):
    from barometer.dsl.format import format_text

    text = ('period "Draft"   from 2021-01-01 to 2021-02-28\n[4 January] Визит 😀\n'
            "  russia   +1\n     category contacts\n")
    address = open_doc(client, tmp_path / "messy.events", f"# check with: {RULES}\n" + text)
    diagnostics_of(client, address)
    [edit] = client.request("textDocument/formatting", {
        "textDocument": {"uri": address}, "options": {"tabSize": 4, "insertSpaces": True}})
    assert edit["newText"] == format_text(f"# check with: {RULES}\n" + text, "events", "x")
    assert edit["range"] == {"start": {"line": 0, "character": 0},
                             "end": {"line": 5, "character": 0}}
    broken = open_doc(client, tmp_path / "broken.events", "period\n[")
    assert client.request("textDocument/formatting", {
        "textDocument": {"uri": broken}, "options": {"tabSize": 4, "insertSpaces": True}}) == []


def test_a_quick_fix_for_every_did_you_mean(client, tmp_path):
    address = open_doc(client, tmp_path / "typos.events",
                       catalogue(str(RULES), "russia +1 rusia +1\n    category contcts"))
    found = diagnostics_of(client, address)
    assert len(found) == 2
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": address},
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}},
        "context": {"diagnostics": found}})
    fixes = {a["edit"]["changes"][address][0]["newText"]: a["edit"]["changes"][address][0]["range"]
             for a in actions}
    assert all(a["kind"] == "quickfix" for a in actions)
    assert fixes == {"russia": {"start": {"line": 3, "character": 14},
                                "end": {"line": 3, "character": 19}},
                     "contacts": {"start": {"line": 4, "character": 13},
                                  "end": {"line": 4, "character": 20}}}


@pytest.mark.parametrize("kind, before, expected", [
    ("events", "    ", "index or attribute"),
    ("events", "    rus", "index or attribute"),
    ("events", "    russia +1 ", "index or attribute"),
    ("events", "    level min", "value:level"),
    ("rules", "rule r when level is ", "value:level"),
    ("rules", "rule r when level in [minister, ", "value:level"),
    ("rules", "rule r when ", "attribute"),
    ("rules", "rule r when index is russia and fat", "attribute"),
    ("rules", "index x = ", "formula"),
    ("rules", "index x \"X\" = positive(us) / (ru", "formula"),
    ("rules", "    = max(", "formula"),
    ("rules", "score recorded * (1 + fat", "expression"),
    ("rules", "rule r when always then set to trunc(", "action"),
    ("events", "    category ", "category"),
    ("events", "    tags covid, ", "tag"),
    ("events", "published ", "index"),
    ("events", "[4 January] Talks with rus", None),
    ("events", "    note Talks with rus", None),
    ("events", "    source https://example.org/a.pdf#page=3 rus", None),
    ("events", "# rus", None),
    ("events", "    russia +1  # rus", None),
    ("events", 'period "', None),
    ("rules", "rule r when index is ", "index"),
    ("rules", 'rule r "A" when index in [russia, ', "index"),
    ("rules", "rule r when category in [", "category"),
    ("rules", "rule r when category is sa", "category"),
    ("rules", "rule r when tagged ", "tag"),
    ("rules", "bands ", "index"),
    ("rules", 'group g "Neighbours" [russia, ', "index"),
    ("rules", "vary weights of ", "category"),
    ("rules", "vary bands of ", "bands"),
    ("rules", "drop rule ", "rule"),
    ("rules", "drop bands ", "bands"),
    ("rules", "bands [russia, e", "index"),
    ("rules", "bands [russia, eu] scale re", "scale"),
    ("rules", "bands russia scale ", "scale"),
    ("rules", 'index russia "Relations with rus', None),
    ("rules", "# when index is ", None),
    ("rules", "index ", None),
])
def test_completion_offers_the_names_that_fit_there(kind, before, expected):
    from barometer.lsp import completion_kind

    assert completion_kind(kind, before) == expected


def test_completion_over_the_protocol_by_context(client, tmp_path):
    address = open_doc(client, tmp_path / "complete.events",
                       catalogue(str(RULES), "russia +1\n    category \n    note Talks with "))

    def labels(line, character):
        return {item["label"] for item in client.request("textDocument/completion", {
            "textDocument": {"uri": address},
            "position": {"line": line, "character": character}})["items"]}

    assert "sanctions" in labels(4, 13) and "russia" not in labels(4, 13)
    assert labels(5, 20) == set()
    assert labels(2, 5) == set()


def test_hover_answers_while_diagnostics_wait_and_stale_checks_are_dropped(client, tmp_path):
    path = tmp_path / "typing.events"
    text = catalogue(str(RULES), "rusia +1")
    address = open_doc(client, path, text)
    diagnostics_of(client, address)
    for version in range(2, 7):  # fast typing: one check, of the last text
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": address, "version": version},
            "contentChanges": [{"range": {"start": {"line": 3, "character": 4},
                                          "end": {"line": 3, "character": 4}}, "text": " "}]})
    hover = client.request("textDocument/hover", {"textDocument": {"uri": address},
                                                  "position": {"line": 3, "character": 2}})
    assert hover is None
    assert not [n for n in client.notes if n.get("method") == "textDocument/publishDiagnostics"
                and n["params"]["uri"] == address]  # answered before the check ran
    note = client.wait_for("textDocument/publishDiagnostics", address)["params"]
    assert note["version"] == 6
    [d] = note["diagnostics"]
    assert d["range"]["start"] == {"line": 3, "character": 9}
    client.request("textDocument/hover", {"textDocument": {"uri": address},
                                          "position": {"line": 0, "character": 0}})
    assert not [n for n in client.notes if n.get("method") == "textDocument/publishDiagnostics"
                and n["params"]["uri"] == address]


@pytest.mark.parametrize("fork", [True, False])
def test_checks_run_in_a_child_process_or_on_a_thread(client, tmp_path, monkeypatch, fork):
    import barometer.lsp.worker as server_module

    monkeypatch.setattr(server_module, "FORK", fork and server_module.FORK)
    address = open_doc(client, tmp_path / f"mode-{fork}.events", catalogue(str(RULES), "rusia +1"))
    [d] = diagnostics_of(client, address)
    assert d["code"] == "B101" and d["range"]["start"] == {"line": 3, "character": 4}
    assert not server_module._children  # no check left running


def test_an_open_event_file_is_remembered_between_keystrokes_and_forgotten_when_closed(
        client, tmp_path):
    import time

    from barometer.dsl import fast_events

    path = tmp_path / "kept.events"
    key = os.path.realpath(path)  # the server's one spelling of it
    address = open_doc(client, path, catalogue(str(RULES)))
    assert diagnostics_of(client, address) == []
    for _ in range(200):  # read here too (after a check in a child) once the editor is idle
        if fast_events._remembered.get(key):
            break
        time.sleep(0.02)
    [(_, first)] = fast_events._remembered[key].items()
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": address, "version": 2},
        "contentChanges": [{"text": catalogue(str(RULES), "rusia +1")}]})
    [d] = diagnostics_of(client, address)
    assert d["code"] == "B101" and d["range"]["start"] == {"line": 3, "character": 4}
    client.notify("textDocument/didClose", {"textDocument": {"uri": address}})
    diagnostics_of(client, address)
    assert key not in fast_events._remembered and first.when == "4 January"


def test_a_rules_file_says_when_the_scheme_it_extends_has_errors(client, tmp_path):
    (tmp_path / "parent.rules").write_text(SMALL_RULES + "index\n", encoding="utf-8")
    child = open_doc(client, tmp_path / "child.rules",
                     'scheme "Child"\n  extends "parent.rules"\n', "barometer-rules")
    [d] = diagnostics_of(client, child)
    assert d["message"] == ("the scheme this extends (parent.rules) has errors; "
                            "fix them to check this file completely")
    assert d["range"] == {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 24}}


def test_a_file_named_otherwise_is_checked_as_its_language_says(client, tmp_path):
    address = open_doc(client, tmp_path / "draft.txt", catalogue(str(RULES), "rusia +1"))
    [d] = diagnostics_of(client, address)
    assert d["code"] == "B101"


SCHEME = ('scheme "S" version "1"\nrange -3 to +3\nindex russia "R"\n'
          'attribute fatalities "F" number from 0 default 0\n')


def test_the_editor_offers_the_score_so_far_in_actions_and_knows_the_built_ins(tmp_path):
    from barometer.api import load_scheme
    from barometer.lsp import _completion_table, _describe, completion_kind

    scheme = load_scheme(str(write(tmp_path, "s.rules", SCHEME)))
    # `score` (the score so far) stands only in an action, and was not offered there
    action = completion_kind("rules", "rule r when always then set to trunc(sc")
    assert action == "action" and "score" in _completion_table(action, scheme)[0]
    assert "score" not in _completion_table(completion_kind("rules", "score recorded + "),
                                            scheme)[0]
    # hovering `age` in `when age > 30` said nothing
    assert _describe("built-in", "age") == (
        "**built-in attribute age**: the days from the event's end to the period's end (0 if it "
        "ends on the period's last day or runs past it); every event has it")


def test_the_wait_and_where_a_check_runs_follow_how_long_the_last_took(monkeypatch):
    import asyncio

    from barometer.lsp import worker
    from barometer.lsp.documents import Doc

    doc = Doc("file:///x.events", "/x.events", "events", registry={})
    assert worker.debounce(doc) == worker.DEBOUNCE == 0.1  # before the first check
    for took, wait in ((0.01, 0.05), (0.07, 0.07), (0.3, 0.1)):
        doc.checked_in = took
        assert worker.debounce(doc) == wait
    monkeypatch.setattr(worker, "FORK", True)
    assert worker._forks(doc)  # nothing read in this process yet
    doc.cost = 0.04  # the last check here, or the reading after one in a child
    assert not worker._forks(doc)
    doc.cost = 0.2
    assert worker._forks(doc)

    async def scheme_changed():
        worker.schedule(None, doc, scheme_changed=True)
        doc.timer.cancel()

    doc.cost = 0.04
    asyncio.run(scheme_changed())  # every event checked again: in a child, which can stop
    assert worker._forks(doc)
    monkeypatch.setattr(worker, "FORK", False)
    assert not worker._forks(doc)
