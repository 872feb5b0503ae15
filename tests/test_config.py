"""curator.config: curator.yaml validated like the catalog, every default in one place, paths relative to it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import curator.config as config_module
from curator.config import CONFIG_FILE, Config, load_config, resolve_paths
from curator.errors import ConfigError
from curator.main import main

RULES = {"dead-link", "duplicate-url"}


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory that is also the working directory, so messages name `curator.yaml`."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(root: Path, text: str | bytes) -> Path:
    path = root / CONFIG_FILE
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def failure(path: Path, *, known_rules: set[str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path, known_rules=known_rules or ())
    assert caught.value.exit_code == 2
    return str(caught.value)


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    config, found = load_config(None, base=tmp_path)
    assert found is None
    assert config == Config()
    assert (config.catalog, config.readme, config.rules, config.ignore) == ("catalog", "README.md", {}, [])
    assert config.links.concurrency == config_module.DEFAULT_CONCURRENCY == 128
    assert config.links.timeout == config_module.DEFAULT_REQUEST_TIMEOUT
    assert config.history.state == ".curator/state.db"
    assert (config.history.failure_runs, config.history.failure_days) == (3, 5.0)
    assert config.github.api_url == "https://api.github.com"
    assert config.fix.max_failing_share == 0.2


def test_the_file_in_the_base_directory_is_found(tmp_path: Path) -> None:
    path = write(tmp_path, "links:\n  concurrency: 16\n")
    config, found = load_config(None, base=tmp_path)
    assert found == path
    assert config.links.concurrency == 16
    assert config.links.host_concurrency == config_module.DEFAULT_HOST_CONCURRENCY  # the rest stays default


def test_the_working_directory_is_the_default_base(here: Path) -> None:
    write(here, "readme: docs/LIST.md\n")
    config, found = load_config(None)
    assert (config.readme, found) == ("docs/LIST.md", here / CONFIG_FILE)


def test_an_empty_file_is_the_defaults(here: Path) -> None:
    path = write(here, "# nothing set yet\n")
    assert load_config(path) == (Config(), path)


def test_a_named_file_that_does_not_exist(here: Path) -> None:
    assert failure(here / "other.yaml") == "other.yaml: configuration file not found"


def test_a_file_that_is_not_utf8(here: Path) -> None:
    assert failure(write(here, b"readme: \xff\xfe\n")).startswith("curator.yaml: cannot read: ")


def test_invalid_yaml_names_the_line(here: Path) -> None:
    assert failure(write(here, "rules: [\n")).startswith("curator.yaml:2:1: invalid YAML")


def test_a_document_that_is_not_a_mapping(here: Path) -> None:
    assert failure(write(here, "- catalog\n")) == "curator.yaml:1:1: expected a mapping of settings"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("linkz: {}\n", "curator.yaml:1:1: linkz: unknown key 'linkz'"),
        ("links:\n  timeout: 5\n  hostz: {}\n", "curator.yaml:3:3: links.hostz: unknown key 'hostz'"),
        (
            "links:\n  hosts:\n    example.org: {concurency: 2}\n",
            "curator.yaml:3:19: links.hosts.example.org.concurency: unknown key 'concurency'",
        ),
        (
            "ignore:\n  - rule: dead-link\n    reason: gone for good\n    because: x\n",
            "curator.yaml:4:5: ignore[0].because: unknown key 'because'",
        ),
    ],
)
def test_unknown_keys_are_placed_at_the_key(here: Path, text: str, message: str) -> None:
    assert failure(write(here, text)) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("links:\n  concurrency: lots\n", "curator.yaml:2:16: links.concurrency: Input should be a valid integer"),
        (
            "links:\n  concurrency: 0\n",
            "curator.yaml:2:16: links.concurrency: Input should be greater than or equal to 1",
        ),
        ("links:\n  timeout: 0\n", "curator.yaml:2:12: links.timeout: Input should be greater than 0"),
        ("rules:\n  dead-link: {severity: loud}\n", "curator.yaml:2:25: rules.dead-link.severity: Input should be"),
        ("ignore:\n  - rule: dead-link\n", "curator.yaml:2:5: ignore[0].reason: Field required"),
        (
            "ignore:\n  - {rule: dead-link, reason: x}\n",
            "curator.yaml:2:31: ignore[0].reason: String should have at least 3",
        ),
        (
            "fix:\n  max_failing_share: 1.5\n",
            "curator.yaml:2:22: fix.max_failing_share: Input should be less than or equal to 1",
        ),
        ("render:\n  metrics:\n    tools: [likes]\n", "curator.yaml:3:13: render.metrics.tools[0]: Input should be"),
    ],
)
def test_bad_values_name_file_line_column_and_field(here: Path, text: str, message: str) -> None:
    assert failure(write(here, text)).startswith(message)


def test_every_problem_is_reported_at_once(here: Path) -> None:
    lines = failure(write(here, "links:\n  concurrency: 0\n  retries: many\nextra: 1\n")).splitlines()
    assert [line.split(": ")[1] for line in lines] == ["links.concurrency", "links.retries", "extra"]


def test_rule_names_are_checked_against_the_known_rules(here: Path) -> None:
    path = write(
        here,
        "rules:\n  dead-link: {severity: info}\n  dead-links: {severity: 'off'}\n"
        "ignore:\n  - {rule: '*', entry: tools/x, reason: everything}\n  - {rule: dupe-url, reason: typo here}\n",
    )
    lines = failure(path, known_rules=RULES).splitlines()
    known = "`curator rules` lists them: dead-link, duplicate-url"
    assert lines == [
        f"curator.yaml:3:3: rules.dead-links: unknown rule 'dead-links' ({known})",
        f"curator.yaml:6:6: ignore[1].rule: unknown rule 'dupe-url' ({known})",
    ]
    # Without a registry to check against (the module sits below the rules), any name passes.
    config, _ = load_config(path)
    assert set(config.rules) == {"dead-link", "dead-links"}


def test_known_rules_and_the_wildcard_pass(here: Path) -> None:
    path = write(here, "rules:\n  dead-link: {severity: 'off'}\nignore:\n  - {rule: '*', reason: all of them}\n")
    config, _ = load_config(path, known_rules=RULES)
    assert config.rules["dead-link"].severity == "off"
    assert config.ignore[0].rule == "*"


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    path = write(tmp_path, "catalog: data/catalog\nreadme: docs/README.md\nhistory:\n  state: var/state.db\n")
    config, found = load_config(path)
    paths = resolve_paths(config, found)
    assert paths.catalog == tmp_path / "data" / "catalog"
    assert paths.readme == tmp_path / "docs" / "README.md"
    assert paths.state == tmp_path / "var" / "state.db"


def test_command_line_paths_win(tmp_path: Path) -> None:
    config, found = load_config(write(tmp_path, "catalog: data\n"))
    paths = resolve_paths(config, found, catalog=Path("/c"), readme=Path("r.md"), state=Path("s.db"))
    assert (paths.catalog, paths.readme, paths.state) == (Path("/c"), Path("r.md"), Path("s.db"))


def test_without_a_config_file_paths_are_relative_to_the_working_directory(here: Path) -> None:
    paths = resolve_paths(Config(), None)
    assert paths.catalog == here / "catalog"
    assert paths.readme == here / "README.md"
    assert paths.state == here / ".curator" / "state.db"


def test_config_show_prints_every_default(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--show"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# effective configuration from defaults (no curator.yaml found)\n")
    shown = yaml.safe_load(out)
    assert shown == Config().model_dump(mode="json")
    # Every default constant reaches the output, and every settings group and field is in it.
    defaults = {name: value for name, value in vars(config_module).items() if name.startswith("DEFAULT_")}
    flat = _leaves(shown)
    missing = {name for name, value in defaults.items() if value not in flat}
    assert missing == set()
    for group, model in Config.model_fields.items():
        assert group in shown
        annotation = model.annotation
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            assert set(shown[group]) == set(annotation.model_fields)


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]
