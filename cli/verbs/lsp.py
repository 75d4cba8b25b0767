"""barometer lsp: the language server, for editors."""

from __future__ import annotations

import click

@click.command("lsp")
def command():
    """Start the language server on standard input and output, for editors.

    Diagnostics from `check` as a file is edited, hover and go to definition on
    index, category, tag and band names, and completion of names. See
    editors/README.md for VS Code and Neovim.

    \b
    Examples:
      barometer lsp
    """
    from ..lsp import main as serve

    serve()
