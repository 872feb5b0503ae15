"""A fake GitHub API: real HTTP on loopback, for the GitHub probe's tests and benchmark.

Serves what curator calls: `GET /repos/{owner}/{repo}` (301 to `/repositories/{id}` for a renamed one),
`GET /repositories/{id}`, `GET /rate_limit` and `POST /graphql` (aliased `repository` fields answered from
an in-memory table, parsed with graphql-core; `NOT_FOUND` errors per alias with a `path`). Every answer
carries `x-ratelimit-*` headers from a budget that decrements. Faults are switches: a 502 for GraphQL
batches larger than `max_batch`, a secondary rate limit (403 + retry-after) for the next N requests, 401
for a token not in `tokens`, any status for the next requests (`fail_next`), an error on one alias
(`alias_errors`), a redirect of everything to another host (`redirect_all`), a verbatim answer for a path
(`raw`: status, headers, body bytes — bad JSON, wrong types), headers added to every answer (`extra_headers`:
absurd rate-limit values), and error messages that echo the token back in many encodings (`echo_token`).
Every request is logged with its headers (Authorization included) and Host. `latency` delays every answer
(the benchmark uses 0.25 s).

    with FakeGithub() as api:
        api.add("openai/whisper", stars=70_000)
        Github(base_url=api.url, ...)
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import graphql
import pytest
from graphql.language import ast as gql

from tests.support.fake_repo import FakeRepoHost

GOOD_TOKEN = "ghp_fAkEtOkEn0123456789abcdefABCDEF0123"  # the token the fake accepts by default


@dataclass
class FakeRepo:
    id: int
    full_name: str
    stars: int = 0
    forks: int = 0
    pushed_at: str | None = "2025-09-01T10:00:00Z"
    last_commit_at: str | None = "2025-08-30T10:00:00Z"
    archived: bool = False
    disabled: bool = False
    fork: bool = False
    license: str | None = "MIT"
    description: str | None = None
    homepage: str | None = None
    latest_release_at: str | None = None
    old_names: list[str] = field(default_factory=list)  # earlier names that redirect here

    def rest(self, base: str) -> dict[str, Any]:
        owner, name = self.full_name.split("/")
        return {
            "id": self.id,
            "name": name,
            "full_name": self.full_name,
            "owner": {"login": owner},
            "url": f"{base}/repos/{self.full_name}",
            "html_url": f"https://github.com/{self.full_name}",
            "stargazers_count": self.stars,
            "watchers_count": self.stars,
            "forks_count": self.forks,
            "pushed_at": self.pushed_at,
            "archived": self.archived,
            "disabled": self.disabled,
            "fork": self.fork,
            "license": {"key": self.license.lower(), "spdx_id": self.license} if self.license else None,
            "description": self.description,
            "homepage": self.homepage,
        }

    def graphql(self) -> dict[str, Any]:
        commit = {"__typename": "Commit", "committedDate": self.last_commit_at}
        return {
            "__typename": "Repository",
            "databaseId": self.id,
            "nameWithOwner": self.full_name,
            "url": f"https://github.com/{self.full_name}",
            "stargazerCount": self.stars,
            "forkCount": self.forks,
            "pushedAt": self.pushed_at,
            "defaultBranchRef": {"__typename": "Ref", "name": "main", "target": commit}
            if self.last_commit_at
            else None,
            "isArchived": self.archived,
            "isDisabled": self.disabled,
            "isFork": self.fork,
            "licenseInfo": {"__typename": "License", "spdxId": self.license} if self.license else None,
            "description": self.description,
            "homepageUrl": self.homepage,
            "latestRelease": {"__typename": "Release", "publishedAt": self.latest_release_at}
            if self.latest_release_at
            else None,
        }


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    host: str
    headers: dict[str, str]
    body: Any
    status: int
    repositories: int = 0  # GraphQL: repository fields in the query


class Budget:
    """One rate-limit resource: `remaining` of `limit` until `reset_at` (epoch seconds, per `clock`)."""

    def __init__(self, limit: int, clock: Callable[[], float]) -> None:
        self.limit = limit
        self.remaining = limit
        self.clock = clock
        self.reset_at = int(clock()) + 3600

    def refill_if_due(self) -> None:
        now = self.clock()
        if now >= self.reset_at:
            self.remaining = self.limit
            self.reset_at = int(now) + 3600

    def headers(self, resource: str) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset_at),
            "x-ratelimit-used": str(self.limit - self.remaining),
            "x-ratelimit-resource": resource,
        }

    def as_json(self) -> dict[str, int]:
        return {
            "limit": self.limit,
            "remaining": self.remaining,
            "reset": self.reset_at,
            "used": self.limit - self.remaining,
        }


class FakeGithub:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        tokens: set[str] | None = None,
        latency: float = 0.0,
        clock: Callable[[], float] = time.time,
        graphql_limit: int = 5000,
        core_limit: int = 60,
        core_auth_limit: int = 5000,
    ) -> None:
        self.host = host
        self.tokens = {GOOD_TOKEN} if tokens is None else tokens
        self.latency = latency
        self.arrived: list[str] = []  # request paths as they arrive, answered or not
        self._clock = clock
        self.graphql_budget = Budget(graphql_limit, clock)
        self.core_budget = Budget(core_limit, clock)  # REST without a token
        self.core_auth_budget = Budget(core_auth_limit, clock)  # REST with a token
        self.repos: dict[int, FakeRepo] = {}
        self.log: list[Logged] = []
        # faults
        self.max_batch: int | None = None  # 502 for GraphQL queries with more repository fields
        self.secondary_limit = 0  # the next N requests get 403 + retry-after
        self.retry_after = 30
        self.fail_next: deque[int] = deque()  # statuses for the next requests
        self.graphql_rate_limited_status = 200  # an exhausted GraphQL budget: 200 + RATE_LIMITED error
        self.redirects: dict[str, str] = {}  # lower "owner/name" → absolute Location of a 301
        self.redirect_all: tuple[int, str] | None = None  # (status, base URL): every request sent there
        self.alias_errors: dict[str, tuple[str, str]] = {}  # lower "owner/name" → GraphQL (type, message)
        self.raw: dict[str, tuple[int, dict[str, str], bytes]] = {}  # path → the answer, sent as it is
        self.extra_headers: dict[str, str] = {}  # added to (or replacing) every answer's headers
        self.echo_token = False  # error messages repeat the token sent, as sent and encoded
        self.repo_host: FakeRepoHost | None = None  # a writable repository, backed by git (host_repo())
        self._lock = threading.Lock()
        self._next_id = 1000
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- the table

    def add(self, full_name: str, **fields: Any) -> FakeRepo:
        self._next_id += 1
        repo = FakeRepo(id=self._next_id, full_name=full_name, **fields)
        self.repos[repo.id] = repo
        return repo

    def rename(self, old: str, new: str) -> FakeRepo:
        repo = self.find(old)
        assert repo is not None, old
        repo.old_names.append(repo.full_name)
        repo.full_name = new
        return repo

    def delete(self, full_name: str) -> None:
        repo = self.find(full_name)
        assert repo is not None, full_name
        del self.repos[repo.id]

    def host_repo(self, full_name: str = "octo/awesome-list", **options: Any) -> FakeRepoHost:
        """Serve `full_name` for reads and writes from a real bare git repository (tests/support/fake_repo.py)."""
        if self.repo_host is not None:
            self.repo_host.close()
        self.repo_host = FakeRepoHost(self, full_name, **options)
        return self.repo_host

    def find(self, full_name: str) -> FakeRepo | None:
        key = full_name.lower()
        return next((r for r in self.repos.values() if r.full_name.lower() == key), None)

    def find_old(self, full_name: str) -> FakeRepo | None:
        key = full_name.lower()
        return next((r for r in self.repos.values() if key in (n.lower() for n in r.old_names)), None)

    @property
    def clock(self) -> Callable[[], float]:
        return self._clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.graphql_budget.clock = clock
        self.core_budget.clock = clock
        self.core_auth_budget.clock = clock

    # --- the server

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> FakeGithub:
        fake = self

        class Handler(_Handler):
            api = fake

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-github", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self.repo_host is not None:
            self.repo_host.close()

    def __enter__(self) -> FakeGithub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what the log says

    def calls(self, path: str | None = None) -> list[Logged]:
        with self._lock:
            return [r for r in self.log if path is None or r.path == path]

    def graphql_sizes(self) -> list[int]:
        return [r.repositories for r in self.calls("/graphql")]

    # --- answering (called from the handler's thread)

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: Any, query: str = ""
    ) -> tuple[int, dict[str, str], Any]:
        token = _token(headers.get("authorization"))
        echo = _echo(token) if self.echo_token and token else ""
        if token is not None and token not in self.tokens:
            message = f"Bad credentials{echo}"
            return 401, {}, {"message": message, "documentation_url": "https://docs.github.com/rest"}
        with self._lock:
            if path in self.raw:
                return self.raw[path]
            if self.redirect_all is not None:
                status, base = self.redirect_all
                return status, {"location": f"{base}{path}"}, {"message": "Moved"}
            if self.fail_next:
                status = self.fail_next.popleft()
                return status, {}, {"message": f"fake fault {status}{echo}"}
            if self.secondary_limit > 0 and path != "/rate_limit":
                self.secondary_limit -= 1
                return (
                    403,
                    {"retry-after": str(self.retry_after)},
                    {
                        "message": "You have exceeded a secondary rate limit. Please wait a few minutes before "
                        "you try again.",
                    },
                )
        if self.repo_host is not None:
            routed = self.repo_host.answer(method, path, query, headers, body)
            if routed is not None:  # counted against the REST budget, which it reports as GitHub does
                with self._lock:
                    budget = self.core_budget if token is None else self.core_auth_budget
                    budget.refill_if_due()
                    budget.remaining = max(0, budget.remaining - 1)
                    return routed[0], {**budget.headers("core"), **routed[1]}, routed[2]
        if method == "POST" and path == "/graphql":
            if token is None:
                return 401, {}, {"message": "This endpoint requires you to be authenticated."}
            self._last_token = token
            return self._graphql(body)
        if method != "GET":
            return 404, {}, {"message": "Not Found"}
        rest_budget = self.core_budget if token is None else self.core_auth_budget
        if path == "/rate_limit":
            with self._lock:
                rest_budget.refill_if_due()
                self.graphql_budget.refill_if_due()
                core = rest_budget.as_json()
                return (
                    200,
                    rest_budget.headers("core"),
                    {
                        "resources": {"core": core, "graphql": self.graphql_budget.as_json()},
                        "rate": core,
                    },
                )
        with self._lock:
            budget = rest_budget
            budget.refill_if_due()
            if budget.remaining <= 0:
                return (
                    403,
                    budget.headers("core"),
                    {
                        "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                        "Authenticated requests get a higher rate limit.)",
                    },
                )
            budget.remaining -= 1
            limit_headers = budget.headers("core")
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "repos":
            full = f"{parts[1]}/{parts[2]}"
            repo = self.find(full)
            if repo is not None:
                return 200, limit_headers, repo.rest(self.url)
            if full.lower() in self.redirects:
                return 301, {**limit_headers, "location": self.redirects[full.lower()]}, {"message": "Moved"}
            moved = self.find_old(full)
            if moved is not None:
                location = f"{self.url}/repositories/{moved.id}"
                return (
                    301,
                    {**limit_headers, "location": location},
                    {
                        "message": "Moved Permanently",
                        "url": location,
                    },
                )
            return 404, limit_headers, {"message": "Not Found"}
        if len(parts) == 2 and parts[0] == "repositories" and parts[1].isdigit():
            repo = self.repos.get(int(parts[1]))
            if repo is not None:
                return 200, limit_headers, repo.rest(self.url)
        return 404, limit_headers, {"message": "Not Found"}

    _last_token: str | None = None

    def _graphql(self, body: Any) -> tuple[int, dict[str, str], Any]:
        try:
            document = graphql.parse(body["query"])
        except (graphql.GraphQLError, KeyError, TypeError) as exc:
            return 200, {}, {"errors": [{"message": f"Parse error: {exc}"}]}
        variables = body.get("variables") or {}
        operation = next(d for d in document.definitions if isinstance(d, gql.OperationDefinitionNode))
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, gql.FragmentDefinitionNode)}
        fields = [s for s in operation.selection_set.selections if isinstance(s, gql.FieldNode)]
        count = sum(1 for f in fields if f.name.value == "repository")
        with self._lock:
            if self.max_batch is not None and count > self.max_batch:
                return (
                    502,
                    {},
                    {
                        "data": None,
                        "errors": [
                            {
                                "message": "Something went wrong while executing your query. This may be the "
                                "result of a timeout, or it could be a GitHub bug."
                            }
                        ],
                    },
                )
            budget = self.graphql_budget
            budget.refill_if_due()
            if budget.remaining <= 0:
                return (
                    self.graphql_rate_limited_status,
                    budget.headers("graphql"),
                    {
                        "errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}],
                    },
                )
            budget.remaining -= 1
            limit_headers = budget.headers("graphql")
            rate = {
                "__typename": "RateLimit",
                "cost": 1,
                "limit": budget.limit,
                "remaining": budget.remaining,
                "used": budget.limit - budget.remaining,
                "nodeCount": count,
                "resetAt": datetime.fromtimestamp(budget.reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for f in fields:
            key = f.alias.value if f.alias else f.name.value
            if f.name.value == "rateLimit":
                data[key] = _select(rate, f.selection_set, fragments)
                continue
            if f.name.value != "repository":
                errors.append({"message": f"Field '{f.name.value}' is not served by the fake", "path": [key]})
                continue
            args = {a.name.value: _value(a.value, variables) for a in f.arguments}
            full = f"{args.get('owner')}/{args.get('name')}"
            repo = self.find(full) or self.find_old(full)
            if full.lower() in self.alias_errors:
                kind, message = self.alias_errors[full.lower()]
                message += _echo(self._last_token) if self.echo_token and self._last_token else ""
                data[key] = None
                errors.append({"type": kind, "path": [key], "message": message})
            elif repo is None:
                data[key] = None
                line = f.loc.start_token.line if f.loc else 1
                column = f.loc.start_token.column if f.loc else 1
                errors.append(
                    {
                        "type": "NOT_FOUND",
                        "path": [key],
                        "locations": [{"line": line, "column": column}],
                        "message": f"Could not resolve to a Repository with the name '{full}'.",
                    }
                )
            else:
                try:
                    data[key] = _select(repo.graphql(), f.selection_set, fragments)
                except KeyError as exc:
                    return 200, limit_headers, {"data": None, "errors": [{"message": str(exc)}]}
        payload: dict[str, Any] = {"data": data}
        if errors:
            payload["errors"] = errors
        return 200, limit_headers, payload

    def record(self, entry: Logged) -> None:
        with self._lock:
            self.log.append(entry)


class _Handler(BaseHTTPRequestHandler):
    api: FakeGithub
    protocol_version = "HTTP/1.1"
    timeout = 10
    wbufsize = 1 << 16  # headers and body in one write: no delayed-ACK stall between them
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self.api.arrived.append(self.path)  # before the latency: tests see a request that is still waiting
        if self.api.latency:
            time.sleep(self.api.latency)
        headers = {k.lower(): v for k, v in self.headers.items()}
        path, _, query = self.path.partition("?")
        status, extra, payload = self.api.answer(method, path, headers, body, query)
        repositories = 0
        if path == "/graphql" and isinstance(body, dict):
            repositories = _count_repositories(body.get("query"))
        self.api.record(Logged(method, path, headers.get("host", ""), headers, body, status, repositories))
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        if status == 204:
            data = b""  # a 204 has no body: bytes after it would corrupt the kept-alive connection
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(data)))
        for name, value in {**extra, **self.api.extra_headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class LinkHost:
    """A plain web server on another loopback address that records every request: the token must never
    reach it."""

    def __init__(self, host: str = "127.0.0.2") -> None:
        self.host = host
        self.log: list[Logged] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}"

    def __enter__(self) -> LinkHost:
        log = self.log

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                log.append(Logged(method, self.path, headers.get("host", ""), headers, None, 200))
                data = b'{"message": "a link host, not GitHub"}'
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="link-host", daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class FakeClock:
    """A clock and a sleep that advances it: waits take no real time, and are recorded."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_github() -> Iterator[FakeGithub]:
    with FakeGithub() as api:
        yield api


# --- helpers ---------------------------------------------------------------------------------------------


def echoed_forms(token: str) -> list[str]:
    """The token as a careless server might repeat it: as sent, in other letter cases, URL-encoded, in
    base64 alone, as git's `x-access-token:` basic credentials, and inside a longer base64 blob."""
    raw = token.encode()
    return [
        token,
        token.lower(),
        token.upper(),
        quote(f"token={token}", safe=""),
        base64.b64encode(raw).decode(),
        base64.b64encode(b"x-access-token:" + raw).decode(),
        base64.urlsafe_b64encode(b"x-access-token:" + raw).decode().rstrip("="),
        base64.b64encode(b'{"auth":"' + raw + b'"}').decode(),
    ]


def _echo(token: str) -> str:
    return " (you sent: " + ", ".join(echoed_forms(token)) + ")"


def _token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() in {"token", "bearer"} else authorization


def _value(node: gql.ValueNode, variables: dict[str, Any]) -> Any:
    if isinstance(node, gql.VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, gql.StringValueNode | gql.BooleanValueNode | gql.EnumValueNode):
        return node.value
    if isinstance(node, gql.IntValueNode):
        return int(node.value)
    return None


def _select(
    obj: Any, selection_set: gql.SelectionSetNode | None, fragments: dict[str, gql.FragmentDefinitionNode]
) -> Any:
    """Answer `selection_set` from a dict carrying `__typename`: fields, aliases, fragments, inline ones."""
    if selection_set is None or obj is None:
        return obj
    if isinstance(obj, list):
        return [_select(item, selection_set, fragments) for item in obj]
    out: dict[str, Any] = {}
    for sel in selection_set.selections:
        if isinstance(sel, gql.FieldNode):
            key = sel.alias.value if sel.alias else sel.name.value
            if sel.name.value not in obj:
                raise KeyError(f"the fake has no field {sel.name.value!r} on {obj.get('__typename')}")
            out[key] = _select(obj[sel.name.value], sel.selection_set, fragments)
        elif isinstance(sel, gql.InlineFragmentNode):
            if sel.type_condition is None or sel.type_condition.name.value == obj.get("__typename"):
                out.update(_select(obj, sel.selection_set, fragments))
        elif isinstance(sel, gql.FragmentSpreadNode):
            frag = fragments[sel.name.value]
            if frag.type_condition.name.value == obj.get("__typename"):
                out.update(_select(obj, frag.selection_set, fragments))
    return out


def _count_repositories(query: Any) -> int:
    if not isinstance(query, str):
        return 0
    try:
        document = graphql.parse(query)
    except graphql.GraphQLError:
        return 0
    return sum(
        1
        for d in document.definitions
        if isinstance(d, gql.OperationDefinitionNode)
        for s in d.selection_set.selections
        if isinstance(s, gql.FieldNode) and s.name.value == "repository"
    )
