"""The batched GraphQL query and the payload readers: pure, no network."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import graphql
import pytest
from graphql.utilities import build_ast_schema

from curator.probes.github_query import (
    REPO_QUERY,
    build_query,
    query_variables,
    repo_from_graphql,
    repo_from_rest,
)

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "github" / "schema.graphql"
NOW = datetime(2025, 10, 1, tzinfo=UTC)


def test_the_one_repository_query_is_the_validated_literal() -> None:
    # graphql-check validates REPO_QUERY; build_query(n) only repeats its aliased field.
    assert build_query(1) == REPO_QUERY


def test_build_query_repeats_aliases_with_variables() -> None:
    query = build_query(3)
    assert "query Repositories($o0: String!, $n0: String!, $o1: String!, $n1: String!, $o2: String!" in query
    assert query.count("...RepoFields") == 3 and query.count("rateLimit") == 1
    assert query_variables([("a", "x"), ("b", "y")]) == {"o0": "a", "n0": "x", "o1": "b", "n1": "y"}
    with pytest.raises(ValueError, match="at least one"):
        build_query(0)


@pytest.mark.skipif(not SCHEMA.exists(), reason="GitHub's schema is not beside the repository")
def test_a_hundred_repository_query_validates_against_github_s_schema() -> None:
    schema = build_ast_schema(graphql.parse(SCHEMA.read_text()), assume_valid_sdl=True)
    assert graphql.validate(schema, graphql.parse(build_query(100))) == []


def test_graphql_payload_with_nulls() -> None:
    meta = repo_from_graphql(
        "A/B",
        {
            "nameWithOwner": "a/b",
            "stargazerCount": 3,
            "forkCount": 0,
            "pushedAt": None,
            "defaultBranchRef": None,
            "isArchived": True,
            "isDisabled": False,
            "isFork": False,
            "licenseInfo": None,
            "description": "  ",
            "homepageUrl": None,
            "latestRelease": None,
        },
        NOW,
    )
    assert (meta.requested, meta.name_with_owner, meta.stars, meta.archived) == ("A/B", "a/b", 3, True)
    assert (meta.pushed_at, meta.last_commit_at, meta.license, meta.description) == (None, None, None, None)


@pytest.mark.parametrize(
    "broken",
    [
        {"nameWithOwner": None},
        {"stargazerCount": "many"},
        {"stargazerCount": True},
        {"pushedAt": 12},
        {"pushedAt": "yesterday"},
    ],
)
def test_graphql_payload_of_the_wrong_shape_is_a_value_error(broken: dict[str, object]) -> None:
    good = {
        "nameWithOwner": "a/b",
        "stargazerCount": 1,
        "forkCount": 0,
        "isArchived": False,
        "isDisabled": False,
        "isFork": False,
    }
    with pytest.raises(ValueError):
        repo_from_graphql("a/b", {**good, **broken}, NOW)


def test_rest_payload_leaves_the_last_commit_to_the_last_push() -> None:
    meta = repo_from_rest(
        "a/b",
        {
            "full_name": "A/B",
            "stargazers_count": 12_400,
            "forks_count": 2,
            "pushed_at": "2025-09-01T10:00:00Z",
            "archived": False,
            "license": {"spdx_id": "Apache-2.0"},
            "homepage": "",
        },
        NOW,
    )
    assert meta.last_commit_at == meta.pushed_at == datetime(2025, 9, 1, 10, tzinfo=UTC)
    assert (meta.name_with_owner, meta.license, meta.homepage, meta.latest_release_at) == (
        "A/B",
        "Apache-2.0",
        None,
        None,
    )
