"""tests/chapter_runs.py empties the kernel's namespace between chapters: a chapter cannot lean on a
name another chapter defined, while IPython's own names stay."""

from __future__ import annotations

from IPython.core.interactiveshell import InteractiveShell

from chapter_runs import EMPTY_NAMESPACE


def test_the_namespace_is_emptied_between_chapters_and_ipython_keeps_its_own():
    shell = InteractiveShell.instance()
    assert shell.run_cell("import math\nfrom_the_last_chapter = math.pi\nfrom_the_last_chapter").success
    assert shell.run_cell(EMPTY_NAMESPACE).success
    after = shell.run_cell("from_the_last_chapter")
    assert isinstance(after.error_in_exec, NameError)
    assert shell.run_cell("math").error_in_exec is not None  # the chapter's imports go too
    assert shell.run_cell("get_ipython(), In, Out").success
