"""A language server for rules and event files (`barometer lsp`, over stdio).

- diagnostics: what `barometer check` finds, as the file is edited;
- hover on an index, category, tag or band name: its declaration;
- go to definition: where it is declared, in a parent scheme too;
- completion of the names that fit where the cursor is;
- formatting (the same layout as `barometer fmt`) and a quick fix for every
  "did you mean" hint.

An event file is checked against the scheme named in a comment near its top
(`# check with: ../rules/minsk-barometer.rules`, or `# rules: ...`), else the
rules files beside it or in a `rules/` folder next to it or at the workspace's
root (the one the others extend). Open documents are read from the editor, not
from disk, so findings follow every keystroke; editing a rules file re-checks
the open event files that use it.

Checking a large catalogue takes a while, so diagnostics wait for a short pause
in typing and run on a worker thread; hover, definition and completion answer
at once from the scheme (cached while its files do not change). Positions are
exchanged in the encoding the client asks for (UTF-8, UTF-16 or UTF-32 code
units; UTF-16 when it says nothing); the checker counts code points.
"""

from .documents import Directive, directive_of, irregular_in_chain, scheme_of, scheme_path_for
from .features import _completion_table, _describe, completion_kind, declaration_at
from .findings import findings
from .positions import from_client, to_client
from .server import create_server, main, server

__all__ = ["Directive", "_completion_table", "_describe", "completion_kind", "create_server",
           "declaration_at", "directive_of", "findings", "from_client", "irregular_in_chain",
           "main", "scheme_of", "scheme_path_for", "server", "to_client"]
