"""`jupyter-book build` with Sphinx's parallel reading, which its command line does not offer.

Jupyter Book 1 builds with one Sphinx process (its CLI has no ``-j``: jupyter-book issue 1735).
With ``execute_notebooks: force`` MyST-NB executes each page while Sphinx reads it, and Sphinx
re-reads only the pages whose source changed (``tools/data_cache_key.py`` clears the saved
environment when the data or the package changed). So reading ``--jobs`` pages at a time executes
that many chapters at a time. Measured on the 2-core machine (bench/bench_build.py): see there.

This wrapper passes ``jobs`` to the function the CLI calls and hands every argument to the CLI
itself, so the build is `jupyter-book build` in every other respect. One more line: sphinx-external-toc
always loads sphinx-multitoc-numbering, whose ``setup`` declares nothing, so Sphinx would read serially.
That extension only renumbers numbered toctrees (none here) when the main process collects the
table of contents, and keeps no per-page state: it is declared safe here.

Usage: python tools/build_book.py --jobs 2 build . -W -n --keep-going
"""

from __future__ import annotations

import functools
import sys

import jupyter_book.sphinx
import sphinx_multitoc_numbering
from jupyter_book.cli.main import main

_multitoc_numbering_setup = sphinx_multitoc_numbering.setup


def _multitoc_setup(app):
    _multitoc_numbering_setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    jobs = 1
    if sys.argv[1:2] == ["--jobs"]:
        jobs = int(sys.argv[2])
        del sys.argv[1:3]
    sphinx_multitoc_numbering.setup = _multitoc_setup
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=jobs)
    main()
