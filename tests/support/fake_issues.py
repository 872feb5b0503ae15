"""Issues, pull requests as issues, comments, labels and their events: the issue side of the fake repository.

`IssueRoutes` is a part of `fake_repo.FakeRepoHost` (which supplies the pull-request side, the URLs and how a
thread closes); kept apart so each module reads on its own. Shapes follow GitHub's REST API v3, enough for
PyGithub's Issue, IssueComment, IssueEvent and Label objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from tests.support.fake_git import iso

Answer = tuple[int, dict[str, str], Any]

DOCS = "https://docs.github.com/rest"


def not_found() -> Answer:
    return 404, {}, {"message": "Not Found", "documentation_url": DOCS}


def invalid(message: str) -> Answer:
    return 422, {}, {"message": message, "documentation_url": DOCS}


def validation(error: dict[str, Any]) -> Answer:
    return 422, {}, {"message": "Validation Failed", "errors": [error], "documentation_url": DOCS}


MAX_BODY = 65536  # characters in an issue's, a pull's or a comment's body


def too_long(body: Any, resource: str) -> Answer | None:
    """GitHub's 422 for a body over MAX_BODY characters (a long list of changes can get there)."""
    text = body.get("body") if isinstance(body, dict) else None
    if isinstance(text, str) and len(text) > MAX_BODY:
        message = f"body is too long (maximum is {MAX_BODY} characters)"
        return validation({"resource": resource, "code": "custom", "field": "body", "message": message})
    return None


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Comment:
    id: int
    body: str
    user: str
    created_at: int


@dataclass
class Thread:
    """An issue, or a pull request (which is an issue with the same number)."""

    number: int
    title: str
    body: str | None
    user: str
    created_at: int
    updated_at: int
    state: str = "open"
    state_reason: str | None = None
    closed_at: int | None = None
    labels: list[str] = field(default_factory=list)  # names, as on the repository's labels
    comments: list[Comment] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    is_pull: bool = False
    head: str = ""  # branch names, in this repository
    base: str = ""
    head_sha: str = ""  # the head's last known SHA (kept after the branch is deleted)
    base_sha: str = ""
    merged: bool = False
    merged_at: int | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    maintainer_can_modify: bool = False
    draft: bool = False
    commits_at_close: list[str] | None = None  # the pull's commits, frozen when it closes


class IssueRoutes:
    # supplied by FakeRepoHost
    owner: str
    bot_login: str
    threads: dict[int, Thread]
    labels: dict[str, Label]  # lower name → label
    _clock: int
    _next_id: int

    @property
    def api_url(self) -> str:
        """The fake API's base URL."""
        raise NotImplementedError

    @property
    def base(self) -> str:
        """The repository's API URL."""
        raise NotImplementedError

    @property
    def html(self) -> str:
        """The repository's web URL."""
        raise NotImplementedError

    def _close(self, thread: Thread, by: str) -> None:
        raise NotImplementedError

    def _edit_thread(self, thread: Thread, body: Any) -> Answer | None:
        raise NotImplementedError

    def _tick(self) -> int:
        self._clock += 60
        return self._clock

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _user(self, login: str | None) -> dict[str, Any] | None:
        if login is None:
            return None
        return {
            "login": login,
            "id": sum(login.encode()) + 1000,
            "node_id": f"U_{login}",
            "type": "Bot" if login.endswith("[bot]") else "User",
            "url": f"{self.api_url}/users/{quote(login)}",
            "html_url": f"https://github.com/{quote(login)}",
            "site_admin": False,
        }

    def _page(self, items: list[Any], params: dict[str, str], path: str) -> Answer:
        per_page = max(1, min(100, int(params.get("per_page") or 30)))
        page = max(1, int(params.get("page") or 1))
        last = max(1, -(-len(items) // per_page))
        links = []

        def link(number: int, rel: str) -> str:
            return f'<{self.api_url}{path}?{urlencode({**params, "page": number, "per_page": per_page})}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        headers = {"link": ", ".join(links)} if links else {}
        return 200, headers, items[(page - 1) * per_page : page * per_page]

    def _label_json(self, name: str) -> dict[str, Any]:
        label = self.labels[name.lower()]
        return {
            "id": label.id,
            "node_id": f"LA_{label.id}",
            "url": f"{self.base}/labels/{quote(label.name, safe='')}",
            "name": label.name,
            "color": label.color,
            "description": label.description,
            "default": False,
        }

    def _event(self, thread: Thread, kind: str, actor: str, *, label: str | None = None, **extra: Any) -> None:
        event: dict[str, Any] = {
            "id": self._id(),
            "node_id": f"E_{self._next_id}",
            "url": f"{self.base}/issues/events/{self._next_id}",
            "event": kind,
            "actor": self._user(actor),
            "created_at": iso(self._tick()),
            "commit_id": None,
            **extra,
        }
        if label is not None:
            known = self.labels.get(label.lower())
            event["label"] = {"name": label, "color": known.color if known else "ededed"}
        thread.events.append(event)
        thread.updated_at = self._clock

    def _add_labels(self, thread: Thread, names: list[str], actor: str) -> None:
        for name in names:
            if name.lower() not in self.labels:
                self.labels[name.lower()] = Label(self._id(), name)
            canonical = self.labels[name.lower()].name
            if canonical.lower() not in (n.lower() for n in thread.labels):
                thread.labels.append(canonical)
                self._event(thread, "labeled", actor, label=canonical)

    def _comment(self, thread: Thread, body: str, author: str) -> Comment:
        comment = Comment(self._id(), body, author, self._tick())
        thread.comments.append(comment)
        thread.updated_at = comment.created_at
        return comment

    def _comment_json(self, thread: Thread, c: Comment) -> dict[str, Any]:
        return {
            "id": c.id,
            "node_id": f"IC_{c.id}",
            "url": f"{self.base}/issues/comments/{c.id}",
            "html_url": f"{self.html}/{'pull' if thread.is_pull else 'issues'}/{thread.number}#issuecomment-{c.id}",
            "issue_url": f"{self.base}/issues/{thread.number}",
            "body": c.body,
            "user": self._user(c.user),
            "created_at": iso(c.created_at),
            "updated_at": iso(c.created_at),
            "author_association": "OWNER" if c.user == self.owner else "NONE",
        }

    def _issue_json(self, t: Thread) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": t.number + 90000,
            "node_id": f"I_{t.number}",
            "number": t.number,
            "url": f"{self.base}/issues/{t.number}",
            "repository_url": self.base,
            "labels_url": f"{self.base}/issues/{t.number}/labels{{/name}}",
            "comments_url": f"{self.base}/issues/{t.number}/comments",
            "events_url": f"{self.base}/issues/{t.number}/events",
            "html_url": f"{self.html}/{'pull' if t.is_pull else 'issues'}/{t.number}",
            "title": t.title,
            "body": t.body,
            "user": self._user(t.user),
            "labels": [self._label_json(n) for n in t.labels],
            "state": t.state,
            "state_reason": t.state_reason,
            "locked": False,
            "assignees": [],
            "comments": len(t.comments),
            "created_at": iso(t.created_at),
            "updated_at": iso(t.updated_at),
            "closed_at": iso(t.closed_at),
        }
        if t.is_pull:
            out["pull_request"] = {
                "url": f"{self.base}/pulls/{t.number}",
                "html_url": f"{self.html}/pull/{t.number}",
                "diff_url": f"{self.html}/pull/{t.number}.diff",
                "patch_url": f"{self.html}/pull/{t.number}.patch",
                "merged_at": iso(t.merged_at),
            }
        return out

    def _thread(self, number: str, *, pull: bool = False) -> Thread | None:
        thread = self.threads.get(int(number))
        if thread is None or (pull and not thread.is_pull):
            return None
        return thread

    def _new_thread(self, title: Any, body: Any, **fields: Any) -> Thread:
        when = self._tick()
        number = len(self.threads) + 1
        thread = Thread(number, str(title), body, self.bot_login, when, when, **fields)
        self.threads[number] = thread
        return thread

    def _list_issues(self, params: dict[str, str], path: str, **_: Any) -> Answer:
        state = params.get("state", "open")
        wanted = [w.strip().lower() for w in params.get("labels", "").split(",") if w.strip()]
        found = []
        for t in sorted(self.threads.values(), key=lambda t: -t.number):
            if state != "all" and t.state != state:
                continue
            if not all(w in (n.lower() for n in t.labels) for w in wanted):
                continue
            found.append(self._issue_json(t))
        return self._page(found, params, path)

    def _post_issue(self, body: Any, **_: Any) -> Answer:
        if refused := too_long(body, "Issue"):
            return refused
        if not body.get("title"):
            return validation({"resource": "Issue", "field": "title", "code": "missing_field"})
        issue = self._new_thread(body["title"], body.get("body"))
        self._add_labels(issue, [str(n) for n in body.get("labels") or []], self.bot_login)
        return 201, {}, self._issue_json(issue)

    def _get_issue(self, number: str, **_: Any) -> Answer:
        thread = self._thread(number)
        return not_found() if thread is None else (200, {}, self._issue_json(thread))

    def _patch_issue(self, number: str, body: Any, **_: Any) -> Answer:
        thread = self._thread(number)
        if thread is None:
            return not_found()
        return self._edit_thread(thread, body) or (200, {}, self._issue_json(thread))

    def _list_comments(self, number: str, params: dict[str, str], path: str, **_: Any) -> Answer:
        thread = self._thread(number)
        if thread is None:
            return not_found()
        return self._page([self._comment_json(thread, c) for c in thread.comments], params, path)

    def _post_comment(self, number: str, body: Any, **_: Any) -> Answer:
        thread = self._thread(number)
        if thread is None:
            return not_found()
        if not isinstance(body.get("body"), str) or not body["body"]:
            return validation({"resource": "IssueComment", "field": "body", "code": "missing_field"})
        if refused := too_long(body, "IssueComment"):
            return refused
        return 201, {}, self._comment_json(thread, self._comment(thread, body["body"], self.bot_login))

    def _list_events(self, number: str, params: dict[str, str], path: str, **_: Any) -> Answer:
        thread = self._thread(number)
        return not_found() if thread is None else self._page(thread.events, params, path)

    def _issue_labels(self, number: str, params: dict[str, str], path: str, **_: Any) -> Answer:
        thread = self._thread(number)
        if thread is None:
            return not_found()
        return self._page([self._label_json(n) for n in thread.labels], params, path)

    def _label_names(self, body: Any) -> list[str]:
        names = body.get("labels", []) if isinstance(body, dict) else body
        return [str(n["name"] if isinstance(n, dict) else n) for n in names]

    def _post_issue_labels(self, number: str, body: Any, **_: Any) -> Answer:
        thread = self._thread(number)
        if thread is None:
            return not_found()
        self._add_labels(thread, self._label_names(body), self.bot_login)
        return 200, {}, [self._label_json(n) for n in thread.labels]

    def _put_issue_labels(self, number: str, body: Any, **_: Any) -> Answer:
        thread = self._thread(number)
        if thread is None:
            return not_found()
        names = self._label_names(body)
        for name in list(thread.labels):
            if name.lower() not in (n.lower() for n in names):
                thread.labels.remove(name)
                self._event(thread, "unlabeled", self.bot_login, label=name)
        self._add_labels(thread, names, self.bot_login)
        return 200, {}, [self._label_json(n) for n in thread.labels]

    def _delete_issue_labels(self, number: str, **_: Any) -> Answer:
        thread = self._thread(number)
        if thread is None:
            return not_found()
        for name in list(thread.labels):
            thread.labels.remove(name)
            self._event(thread, "unlabeled", self.bot_login, label=name)
        return 204, {}, None

    def _delete_issue_label(self, number: str, name: str, **_: Any) -> Answer:
        thread = self._thread(number)
        if thread is None:
            return not_found()
        on = [n for n in thread.labels if n.lower() == name.lower()]
        if not on:
            return 404, {}, {"message": "Label does not exist", "documentation_url": DOCS}
        thread.labels.remove(on[0])
        self._event(thread, "unlabeled", self.bot_login, label=on[0])
        return 200, {}, [self._label_json(n) for n in thread.labels]

    def _list_labels(self, params: dict[str, str], path: str, **_: Any) -> Answer:
        return self._page([self._label_json(k) for k in self.labels], params, path)

    def _post_label(self, body: Any, **_: Any) -> Answer:
        name = str(body.get("name") or "")
        if not name:
            return validation({"resource": "Label", "field": "name", "code": "missing_field"})
        if name.lower() in self.labels:
            return validation({"resource": "Label", "field": "name", "code": "already_exists"})
        color = str(body.get("color") or "ededed").lstrip("#")
        self.labels[name.lower()] = Label(self._id(), name, color, body.get("description"))
        return 201, {}, self._label_json(name)

    def _get_label(self, name: str, **_: Any) -> Answer:
        return (200, {}, self._label_json(name)) if name.lower() in self.labels else not_found()

    def _delete_label(self, name: str, **_: Any) -> Answer:
        label = self.labels.pop(name.lower(), None)
        if label is None:
            return not_found()
        for thread in self.threads.values():
            thread.labels = [n for n in thread.labels if n.lower() != name.lower()]
        return 204, {}, None
