#!/usr/bin/env python3
"""Post or edit the workflow's pull-request comments: one per Markdown file of DIR.

    post_comments.py DIR

The first line of each file is the comment's hidden marker (``<!-- ... -->``): the comment of the
github-actions bot that starts with it is edited, otherwise a new comment is created, so each
push updates the same comments instead of adding more. Only the Python standard library: the
job that runs this has a token that may write to the pull request and runs none of its code.

Environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER, and GITHUB_API_URL
(https://api.github.com unless set). A body longer than GitHub accepts (65,536 characters,
counted here in UTF-16 code units, which is never fewer) is cut at a line and says so: the
files are made to fit, so this is a last resort, with a warning in the log.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.request
from pathlib import Path
from typing import Any, Optional

BOT = "github-actions[bot]"
LIMIT = 65_536
MARKER = re.compile(r"^<!-- [\w.:/ -]+ -->$")


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def cut(body: str, limit: int = LIMIT) -> str:
    """``body`` itself when it fits, else its first lines and a closing note."""
    if units(body) <= limit:
        return body
    note = "\n\n…cut: the comment was longer than GitHub accepts. The workflow run's summary has all of it.\n"
    kept: list[str] = []
    used = units(note)
    for line in body.split("\n"):
        if used + units(line) + 1 > limit:
            break
        kept.append(line)
        used += units(line) + 1
    # A cut inside a code block would swallow the note.
    if sum(line.startswith("```") for line in kept) % 2:
        kept.append("```")
    return "\n".join(kept) + note


class GitHub:
    def __init__(self, api: str, repository: str, token: str):
        self.api, self.repository, self.token = api.rstrip("/"), repository, token

    def call(self, method: str, url: str, body: Optional[dict[str, Any]] = None) -> tuple[Any, str]:
        request = urllib.request.Request(
            url if url.startswith("http") else f"{self.api}{url}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (https API URL)
            return json.load(response), response.headers.get("Link", "")

    def comments(self, number: int) -> list[dict[str, Any]]:
        url: Optional[str] = f"/repos/{self.repository}/issues/{number}/comments?per_page=100"
        out: list[dict[str, Any]] = []
        while url:
            page, link = self.call("GET", url)
            out += page
            url = next((m[1] for m in re.finditer(r'<([^>]+)>;\s*rel="next"', link)), None)
        return out

    def post(self, number: int, marker: str, body: str) -> str:
        mine = next((c for c in self.comments(number) if c["user"]["login"] == BOT and c["body"].startswith(marker)), None)
        if mine is not None:
            self.call("PATCH", f"/repos/{self.repository}/issues/comments/{mine['id']}", {"body": body})
            return f"edited comment {mine['id']}"
        created, _ = self.call("POST", f"/repos/{self.repository}/issues/{number}/comments", {"body": body})
        return f"created comment {created['id']}"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    files = sorted(Path(argv[0]).glob("*.md"))
    if not files:
        print(f"{argv[0]}: no comment files", file=sys.stderr)
        return 1
    github = GitHub(os.environ.get("GITHUB_API_URL", "https://api.github.com"), os.environ["GITHUB_REPOSITORY"], os.environ["GITHUB_TOKEN"])
    number = int(os.environ["PR_NUMBER"])
    failed = 0
    for file in files:
        body = file.read_text()
        marker = body.split("\n", 1)[0]
        if not MARKER.match(marker):
            print(f"::error::{file.name}: its first line is not a hidden marker (<!-- ... -->); not posted")
            failed += 1
            continue
        fitted = cut(body)
        if fitted != body:
            print(f"::warning::{file.name}: longer than a GitHub comment; cut at a line")
        print(f"{file.name}: {github.post(number, marker, fitted)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
