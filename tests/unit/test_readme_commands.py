"""The README's command lines match the command line: every `python -m valuemodel ...` in
its code blocks (the cron line and the Kubernetes CronJob included) parses with the real
parser, and every option the Command line table names exists on its command."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from valuemodel.cli.main import build_parser

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
OPERATORS = {"&&", "||", ";", "|", ">", "<", "&", "(", ")", ">>"}


def _blocks() -> list[tuple[str, str]]:
    """(language, text) of every fenced code block."""
    return re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.M | re.S)


def _yaml_args(text: str) -> list[str]:
    """The folded plain scalars of every `args:` list in a YAML block (YAML joins a plain
    scalar's lines with spaces)."""
    out, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() != "args:":
            continue
        item: list[str] = []
        for follow in lines[i + 1 :]:
            stripped = follow.strip()
            if item and (stripped.startswith("- ") or stripped.endswith(":")):
                break
            item.append(stripped.removeprefix("- "))
        out.append(" ".join(item))
    return out


def _invocations(shell: str) -> list[list[str]]:
    """The argument lists of every `python -m valuemodel` command in a shell line."""
    lexer = shlex.shlex(shell, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    found, segment = [], []
    for token in [*lexer, ";"]:
        if token in OPERATORS or set(token) <= set("&|;<>()"):
            for start in range(len(segment) - 2):
                if segment[start : start + 3] == ["python", "-m", "valuemodel"]:
                    found.append(segment[start + 3 :])
                    break
            segment = []
        else:
            segment.append(token)
    return found


def readme_invocations() -> list[list[str]]:
    commands = []
    for language, text in _blocks():
        if language == "yaml":
            for args in _yaml_args(text):
                commands += _invocations(args)
        else:
            joined = re.sub(r"\\\n\s*", " ", text)  # continued lines
            for line in joined.splitlines():
                if "python -m valuemodel" in line and not line.lstrip().startswith("#"):
                    commands += _invocations(line)
    return commands


def test_the_readme_shows_the_scheduled_send_and_the_plan() -> None:
    commands = readme_invocations()
    sends = [c for c in commands if c[0] == "send"]
    # The cron line and the CronJob both freeze and then send.
    assert len(sends) >= 2 and sum(c[:2] == ["review", "freeze"] for c in commands) >= 2
    assert any(c[0] == "plan" for c in commands)


@pytest.mark.parametrize("argv", readme_invocations(), ids=lambda argv: " ".join(argv)[:60])
def test_every_readme_command_parses(argv: list[str]) -> None:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:
        pytest.fail(f"`python -m valuemodel {' '.join(argv)}` does not parse")
    if argv[0] == "send" and getattr(args, "smtp", None):
        assert "@" not in args.smtp.split("//", 1)[-1].split("/")[0]  # no credentials


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of a parser and of its nested subcommands."""
    found: set[str] = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options(sub)
    return found


def _table_rows() -> list[tuple[str, set[str]]]:
    section = README.split("## Command line", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.match(r"\| `python -m valuemodel ([a-z-]+)(.*?)` \| ", line)
        if match:
            cell = match.group(2)
            rows.append((match.group(1), set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", cell))))
    return rows


def test_every_option_in_the_command_table_exists() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    rows = _table_rows()
    assert {"plan", "review", "send"} <= {name for name, _ in rows}
    for name, flags in rows:
        missing = flags - _options(commands[name])
        assert not missing, f"the README's `{name}` row names unknown options {sorted(missing)}"


def test_the_scheduled_lines_are_valid_shell() -> None:
    """The cron line (after its five schedule fields; cron turns \\% into %) and the
    CronJob's script pass `sh -n`."""
    import subprocess

    scripts = []
    for language, text in _blocks():
        if language == "yaml":
            scripts += [a for a in _yaml_args(text) if "valuemodel send" in a]
        else:
            for line in text.splitlines():
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and "valuemodel send" in line and fields[0].isdigit():
                    scripts.append(fields[5].replace("\\%", "%"))
    assert len(scripts) == 2
    for script in scripts:
        checked = subprocess.run(["sh", "-n", "-c", script], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
