"""`curator check --offline` end to end through main(argv): formats, exit codes, configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.main import main
from tests.support.catalogs import tools_file, write_catalog

CATALOG = tools_file(
    """\
  - id: alpha
    name: Alpha
    url: hhttps://example.org/alpha
  - id: beta
    name: Beta
    url: https://example.org/beta/
    description: "Pipes | and <b>tags</b> and @someone"
  - id: gamma
    name: Beta mirror
    url: https://EXAMPLE.org/beta?utm_source=x
"""
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_catalog(tmp_path, {"tools": CATALOG})
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["check", "--offline", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_json_contract(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_json(capsys)
    assert code == 1
    assert doc["version"] == 1
    assert doc["summary"] == {"entries": 3, "links": 3, "errors": 1, "warnings": 2, "infos": 0}
    assert "links" not in doc  # offline: no link results
    findings = doc["findings"]
    assert isinstance(findings, list)
    malformed = next(f for f in findings if f["rule"] == "malformed-url")
    assert malformed == {
        "rule": "malformed-url",
        "severity": "error",
        "entry": "tools/alpha",
        "file": "catalog/tools.yaml",
        "line": 11,
        "column": None,
        "url": "hhttps://example.org/alpha",
        "message": malformed["message"],
        "fix": {"field": "url", "old": "hhttps://example.org/alpha", "new": "https://example.org/alpha"},
    }
    dupes = sorted(f["entry"] for f in findings if f["rule"] == "duplicate-url")
    assert dupes == ["tools/beta", "tools/gamma"]


def test_text_format_puts_path_line_first_without_colour_when_piped(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--offline"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[0].startswith("catalog/tools.yaml:11: error malformed-url tools/alpha: ")
    assert "\x1b[" not in out
    assert out.rstrip().endswith("1 error, 2 warnings, 0 infos in 3 entries (3 links)")


def test_github_annotations(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--offline", "--format", "github"])
    lines = capsys.readouterr().out.splitlines()
    error = next(line for line in lines if line.startswith("::error "))
    assert error.startswith("::error file=catalog/tools.yaml,line=11,title=malformed-url tools/alpha::")
    assert sum(line.startswith("::warning ") for line in lines) == 2


def test_markdown_escapes_catalog_text(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--offline", "--format", "markdown"])
    out = capsys.readouterr().out
    assert out.startswith("## curator report")
    assert "### Errors (1)" in out
    assert "<b>" not in out


def test_output_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--offline", "--format", "json", "--output", "out/report.json"])
    assert code == 1
    doc = json.loads((project / "out" / "report.json").read_text())
    assert doc["summary"]["errors"] == 1
    assert capsys.readouterr().out == ""


def test_config_overrides_and_ignores(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "curator.yaml").write_text(
        "rules:\n"
        "  malformed-url: {severity: warning}\n"
        "ignore:\n"
        "  - rule: duplicate-url\n"
        "    entry: tools/gamma\n"
        "    reason: gamma mirrors beta on purpose\n"
    )
    code, doc = run_json(capsys)
    assert code == 0  # the only error became a warning
    rules = sorted((f["rule"], f["entry"], f["severity"]) for f in doc["findings"])  # type: ignore[union-attr]
    assert rules == [("duplicate-url", "tools/beta", "warning"), ("malformed-url", "tools/alpha", "warning")]


def test_rule_turned_off(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "curator.yaml").write_text("rules:\n  duplicate-url: {severity: 'off'}\n")
    _code, doc = run_json(capsys)
    assert {f["rule"] for f in doc["findings"]} == {"malformed-url"}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "rules:\n  no-such-rule: {severity: error}\n",
            "curator.yaml:2:3: rules.no-such-rule: unknown rule 'no-such-rule'",
        ),
        ("ignore:\n  - rule: malformed-url\n", "curator.yaml:2:5: ignore[0].reason: Field required"),
        ("linkz: {}\n", "curator.yaml:1:1: linkz: unknown key 'linkz'"),
        ("links:\n  concurrency: lots\n", "curator.yaml:2:16: links.concurrency: Input should be a valid integer"),
        ("rules: [\n", "curator.yaml:2:1: invalid YAML"),
    ],
)
def test_bad_config_exits_2(project: Path, capsys: pytest.CaptureFixture[str], config: str, message: str) -> None:
    (project / "curator.yaml").write_text(config)
    code = main(["check", "--offline"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_explicit_missing_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--offline", "--config", "missing.yaml"]) == 2
    assert "missing.yaml: configuration file not found" in capsys.readouterr().err


def test_clean_catalog_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write_catalog(
        tmp_path, {"tools": tools_file("  - id: alpha\n    name: Alpha\n    url: https://alpha.example.org/\n")}
    )
    assert main(["check", "--offline"]) == 0
    assert "0 errors, 0 warnings, 0 infos in 1 entry (1 link)" in capsys.readouterr().out


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("curator ")
    for command in ("check", "render", "fix", "import", "schema", "rules", "config"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "usage: curator " + command in capsys.readouterr().out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "--format", "xml"])
    assert info.value.code == 2
