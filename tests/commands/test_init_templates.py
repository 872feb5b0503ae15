"""What `curator init` writes besides the catalog: curator.yaml from the Config model, and the workflows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from curator.commands.init_templates import bot_workflow, config_text, contributor_workflow, describe
from curator.config import Config, load_config

REPO = Path(__file__).resolve().parents[2]


def _leaves(model: type[BaseModel], path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out += _leaves(annotation, (*path, name))
        else:
            out.append((*path, name))
    return out


def test_curator_yaml_shows_every_default_commented_out_with_its_description(tmp_path: Path) -> None:
    text = config_text()
    # As written, the file sets nothing.
    (tmp_path / "curator.yaml").write_text(text, encoding="utf-8")
    assert load_config(tmp_path / "curator.yaml")[0] == Config()
    # Every setting is there, after a line describing it.
    lines = text.splitlines()
    for path in _leaves(Config):
        indent = "  " * (len(path) - 1)
        matches = [i for i, line in enumerate(lines) if line.startswith(f"{indent}#{path[-1]}:")]
        assert len(matches) >= 1, path
        assert lines[matches[0] - 1].startswith(f"{indent}# "), f"{path}: no description above it"
    # Uncommented, it is exactly the defaults.
    uncommented = re.sub(r"^( *)#(?! )", r"\1", text, flags=re.M)
    (tmp_path / "curator.yaml").write_text(uncommented, encoding="utf-8")
    assert load_config(tmp_path / "curator.yaml")[0] == Config()
    data: Any = yaml.safe_load(uncommented)
    assert Config.model_validate(data).model_dump() == Config().model_dump()
    assert {tuple(p) for p in _leaves(Config)} <= set(_paths(data))


def _paths(data: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(data, dict) and data:  # a setting whose default is {} is a leaf
        return [p for key, value in data.items() for p in _paths(value, (*path, str(key)))] + [path]
    return [path]


def _jobs_with_action(path: Path, action: str) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8").replace("uses: ./\n", f"uses: {action}\n")
    data = yaml.safe_load(text)
    return {key: value for key, value in data.items() if key != "name"}


@pytest.mark.parametrize(
    ("name", "template"), [("curator.yml", bot_workflow), ("contributor.yml", contributor_workflow)]
)
def test_generated_workflows_are_this_repositorys_with_the_published_action(name: str, template: Any) -> None:
    # This repository runs the same workflows through `uses: ./`, so every run of them tests what init writes.
    action = "owner/curator@v9"
    generated = {k: v for k, v in yaml.safe_load(template(action)).items() if k != "name"}
    assert generated == _jobs_with_action(REPO / ".github" / "workflows" / name, action)




def test_a_setting_without_a_description_is_refused() -> None:
    with pytest.raises(KeyError, match=r"links\.no_such_setting"):
        describe(("links", "no_such_setting"), None)
    assert describe(("links", "no_such_setting"), "given") == "given"


def test_a_catalog_elsewhere_is_set_and_the_rest_stays_commented() -> None:
    text = config_text(catalog="data/catalog")
    assert "\ncatalog: data/catalog\n" in text and "\n#readme: README.md\n" in text
