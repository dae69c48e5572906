from __future__ import annotations

from reconciler.render.diff import unified_diff


def test_a_unified_diff_with_git_prefixes() -> None:
    assert unified_diff("conf/a.yaml", "a\nb\n", "a\nb\nc\n") == (
        "--- a/conf/a.yaml\n+++ b/conf/a.yaml\n@@ -1,2 +1,3 @@\n a\n b\n+c\n"
    )


def test_equal_texts_give_nothing() -> None:
    assert unified_diff("a.yaml", "a\n", "a\n") == ""


def test_a_missing_final_line_break_is_marked_as_git_marks_it() -> None:
    assert unified_diff("/abs/a.yaml", "a", "a\nb") == (
        "--- a/abs/a.yaml\n+++ b/abs/a.yaml\n@@ -1 +1,2 @@\n-a\n"
        "\\ No newline at end of file\n+a\n+b\n\\ No newline at end of file\n"
    )


def test_colour_marks_headers_hunks_and_lines() -> None:
    coloured = unified_diff("a.yaml", "a\n", "b\n", colour=True)
    assert coloured == (
        "\033[1m--- a/a.yaml\033[0m\n\033[1m+++ b/a.yaml\033[0m\n\033[36m@@ -1 +1 @@\033[0m\n"
        "\033[31m-a\033[0m\n\033[32m+b\033[0m\n"
    )


def test_file_lines_are_escaped_and_never_pass_for_commands() -> None:
    before = "prompt: |\n  ::error::x\nlabel: a\x1b[2J\u202e\n"
    after = before + "::stop-commands::y\n"
    assert unified_diff("a.yaml", before, after) == (
        "--- a/a.yaml\n+++ b/a.yaml\n@@ -1,3 +1,4 @@\n prompt: |\n   \\x3a:error::x\n"
        " label: a\\x1b[2J\\u202e\n+\\x3a:stop-commands::y\n"
    )


def test_windows_line_endings_stay_line_endings() -> None:
    assert unified_diff("a.yaml", "a\r\n", "b\r\n") == (
        "--- a/a.yaml\n+++ b/a.yaml\n@@ -1 +1 @@\n-a\r\n+b\r\n"
    )
