"""Just enough of a browser to log in through the ProConnect sandbox: follow redirects, keep
cookies, and submit the persona picker's HTML form."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import httpx


class _Forms(HTMLParser):
    """Collects each ``<form>``: its action and the values a default submission sends."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = {"action": values.get("action", ""), "fields": {}, "buttons": []}
            self.forms.append(self._current)
        elif self._current is not None and tag == "input":
            kind = values.get("type", "text")
            name = values.get("name")
            if not name:
                return
            if kind in ("hidden", "text") or (kind == "radio" and "checked" in values):
                self._current["fields"][name] = values.get("value", "")
        elif self._current is not None and tag == "button" and values.get("name"):
            self._current["buttons"].append((values["name"], values.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def submit_persona(http: httpx.Client, page: httpx.Response, persona: str) -> httpx.Response:
    """Submit the sandbox form of ``persona`` with its default choices (SIRET, acr)."""
    parser = _Forms()
    parser.feed(page.text)
    for form in parser.forms:
        if form["fields"].get("persona") == persona:
            data = dict(form["fields"])
            for name, value in form["buttons"]:
                if value == "login":
                    data[name] = value
            return http.post(urljoin(str(page.url), form["action"]), data=data)
    raise AssertionError(f"no sandbox form for persona {persona!r}")


def browse_until(
    http: httpx.Client, url: str, *, stop_prefix: str, persona: str, max_steps: int = 20
) -> str:
    """Follow redirects (and the persona page) until one leads to ``stop_prefix``."""
    response = http.get(url)
    for _ in range(max_steps):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if location.startswith(stop_prefix):
                return location
            response = http.get(location)
            continue
        if response.status_code == 200 and 'name="persona"' in response.text:
            response = submit_persona(http, response, persona)
            continue
        raise AssertionError(
            f"unexpected {response.status_code} at {response.url}: {response.text[:300]}"
        )
    raise AssertionError("too many redirects")
