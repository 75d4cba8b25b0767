"""The editor set-ups work as editors/README.md says: Neovim (0.7, Debian 12's,
to the current release) detects rules and event files and shows the language
server's diagnostics, read back from a headless Neovim; the VS Code grammar
scopes every operator. (.ci/run installs Debian's neovim, and builds the VS Code
extension into a .vsix with vsce.)"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

NVIM = shutil.which("nvim")
needs_nvim = pytest.mark.skipif(NVIM is None, reason="no nvim here (.ci/run installs Debian's "
                                                     "neovim)")

# init.lua as editors/README.md has it; Neovim turns its own filetype detection on
# after it (which calls *.rules Snort's `hog`), then the files are opened
SETUP = '''
vim.opt.runtimepath:append(%(plugin)s)
NOTES = {}
vim.notify = function(message, level) table.insert(NOTES, { message, level }) end
OK = require("barometer").setup({ cmd = %(cmd)s })
'''

READ_BACK = '''
local ok = OK
local out = { setup = ok, notes = NOTES, files = {} }
for _, name in ipairs(%(files)s) do
  vim.cmd("edit " .. vim.fn.fnameescape(name))
  local buf = vim.api.nvim_get_current_buf()
  local found = true
  if ok and vim.bo[buf].filetype == "barometer" then
    found = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  end
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(seen, { line = d.lnum, col = d.col, severity = d.severity, code = d.code,
                         message = d.message })
  end
  out.files[name] = { filetype = vim.bo[buf].filetype, found = found, diagnostics = seen }
end
local f = io.open(%(out)s, "w")
f:write(vim.fn.json_encode(out))
f:close()
vim.cmd("qa!")
'''


def lua(value) -> str:
    if isinstance(value, list):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    return json.dumps(str(value))  # a JSON string is a Lua string for these paths


def read_back(tmp_path, files, cmd):
    init, script = tmp_path / "init.lua", tmp_path / "read_back.lua"
    out = tmp_path / "out.json"
    values = {"plugin": lua(ROOT / "editors" / "nvim"), "cmd": lua(cmd), "files": lua(files),
              "out": lua(out)}
    init.write_text(SETUP % values, encoding="utf-8")
    script.write_text(READ_BACK % values, encoding="utf-8")
    subprocess.run([NVIM, "--headless", "-u", str(init), "-i", "NONE", "-c",
                    f"luafile {script}"], cwd=tmp_path, timeout=120, check=True,
                   stdin=subprocess.DEVNULL, capture_output=True, env={**os.environ,
                                                                      "XDG_CONFIG_HOME": str(tmp_path),
                                                                      "XDG_DATA_HOME": str(tmp_path)})
    return json.loads(out.read_text(encoding="utf-8"))


@needs_nvim
def test_neovim_shows_the_servers_diagnostics(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "broken.rules").write_text(
        'range -3 to +3\nindex russia "Relationship with Russia"\ncatgory visits "Visits"\n',
        encoding="utf-8")
    (tmp_path / "no19.events").write_text(
        "# check with: rules/minsk.rules\nperiod \"No 19\" from 2021-01-01 to 2021-02-28\n\n"
        "[19 February] An agreement\n    rusia +1\n", encoding="utf-8")
    shutil.copy(ROOT / "rules" / "minsk-barometer.rules", tmp_path / "rules" / "minsk.rules")
    got = read_back(tmp_path, ["rules/broken.rules", "no19.events"],
                    [sys.executable, "-m", "barometer", "lsp"])
    assert got["setup"] is True and got["notes"] == []
    rules, events = got["files"]["rules/broken.rules"], got["files"]["no19.events"]
    assert rules["filetype"] == events["filetype"] == "barometer"  # not Snort's `hog`
    assert rules["diagnostics"] == [{
        "line": 2, "col": 0, "severity": 1, "code": "B001",
        "message": "expected `attribute`, `bands`, `category`, `description`, `drop`, `extends`, "
                   "`group`, `index` or another declaration, found `catgory`\n"
                   "did you mean `category`?"}]
    assert [(d["line"], d["col"], d["code"]) for d in events["diagnostics"]] == [(4, 4, "B101")]
    assert events["diagnostics"][0]["message"].startswith("unknown index `rusia`")


@needs_nvim
def test_neovim_says_when_the_server_cannot_be_found(tmp_path):
    (tmp_path / "a.rules").write_text("range -3 to +3\n", encoding="utf-8")
    got = read_back(tmp_path, ["a.rules"], ["/nowhere/barometer", "lsp"])
    assert got["setup"] is False
    # Neovim's own detection is on, and without the set-up says what it says (Snort's `hog`
    # on 0.7): the set-up is what makes these files barometer's
    assert got["files"]["a.rules"]["filetype"] not in ("barometer", "")
    assert got["notes"] == [["barometer: `/nowhere/barometer` is not an executable on the PATH: "
                             "install barometer, or give setup({ cmd = { \"/path/to/barometer\", "
                             "\"lsp\" } })", 4]]


@needs_nvim
def test_neovim_leaves_udev_rules_alone(tmp_path):
    (tmp_path / "udev" / "rules.d").mkdir(parents=True)
    (tmp_path / "udev" / "rules.d" / "99-x.rules").write_text('KERNEL=="sda"\n', encoding="utf-8")
    got = read_back(tmp_path, ["udev/rules.d/99-x.rules"], [sys.executable, "-m", "barometer",
                                                            "lsp"])
    assert got["files"]["udev/rules.d/99-x.rules"]["filetype"] != "barometer"


def _tokens(patterns, line):
    """Scopes a TextMate grammar of plain patterns gives a line: at each place the
    earliest match wins, the first pattern among equals."""
    out, at = [], 0
    while at < len(line):
        found = [(m.start(), k, m) for k, p in enumerate(patterns)
                 for m in [re.compile(p["match"]).search(line, at)] if m and m.end() > m.start()]
        if not found:
            break
        _, _, m = min(found, key=lambda t: (t[0], t[1]))
        out.append((patterns[min(found, key=lambda t: (t[0], t[1]))[1]]["name"], m.group()))
        at = m.end()
    return out


def test_the_vscode_grammar_scopes_the_operators():
    path = ROOT / "editors" / "vscode" / "syntaxes" / "barometer-rules.tmLanguage.json"
    patterns = json.loads(path.read_text(encoding="utf-8"))["patterns"]
    line = 'index ew "East-West" = (russia + china) / 2 - eu * 1.5 % 3'
    operators = [t for scope, t in _tokens(patterns, line) if scope == "keyword.operator.barometer"]
    assert operators == ["=", "+", "/", "-", "*", "%"]
    assert [t for s, t in _tokens(patterns, "white >= -1  red <= -18  x ≥ 2")
            if s == "keyword.operator.barometer"] == [">=", "<=", "≥"]
    # a sign stays part of its number; a quoted = or / stays in the text
    assert ("constant.numeric.barometer", "-1") in _tokens(patterns, "white >= -1")
    assert _tokens(patterns, '"a = b / c"') == [("string.quoted.double.barometer", '"a = b / c"')]


def test_the_vscode_extension_builds_with_vsce():
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text())
    assert "@vscode/vsce" in package["devDependencies"]
    assert package["scripts"]["package"].startswith("vsce package")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "vsce package" in ci and "install -y -qq neovim" in ci
