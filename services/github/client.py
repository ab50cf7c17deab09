"""A PyGithub client pointed at the right GitHub, and GitHub's failures in a captain's words.

PyGithub is imported only here and only when a command really talks to GitHub. Its own retrying
and request pacing are switched off (``retry=None``, no sleeps between requests): the console
decides what is safe to retry (see :func:`retrying`), and must look before repeating a POST.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from services import secrets
from services.errors import ConsoleError, EnvironmentProblem
from services.github import credentials
from services.policy import Policy

if TYPE_CHECKING:
    from github.Repository import Repository as GhRepository

T = TypeVar("T")
TIMEOUT_SECONDS = 30
# Waits between attempts of an idempotent call; tests set this to zeros.
BACKOFF_SECONDS: tuple[float, ...] = (0.5, 1.5, 4.0)
OFFLINE = ("the machine looks offline; push, draft, review and publish wait for the online side")


class GitHubError(ConsoleError):
    """GitHub refused or could not be reached; the message says which and what to do.

    ``status`` is GitHub's HTTP status when it answered (0 when it did not), so callers decide
    on the number, never on words in the message.
    """

    def __init__(self, message: str, *, remedy: str = "", status: int = 0) -> None:
        super().__init__(message, remedy=remedy)
        self.status = status


def on_this_machine(api_url: str) -> bool:
    """The API is on a loopback address (127.0.0.1, localhost, ::1): a local server, not the net."""
    import ipaddress
    from urllib.parse import urlsplit

    name = urlsplit(api_url).hostname or ""
    try:
        return name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name other than localhost
        return False


class GitHubOffline(GitHubError, EnvironmentProblem):
    """No connection to GitHub at all (exit 3: the machine, not the release, is the problem)."""


class TokenRefused(GitHubError, EnvironmentProblem):
    """GitHub answered 401 to the token (exit 3, like a missing token)."""


class Transient(GitHubError):
    """A failure worth retrying (5xx, dropped connection, timeout)."""


@dataclass
class GitHubClient:
    """A connected client for one repository."""

    gh: Any
    api_url: str
    host: str
    repository: str
    token_source: str
    _repo: Any = field(default=None, repr=False)

    def repo(self) -> GhRepository:
        if self._repo is None:
            self._repo = self.call(f"read repository {self.repository}",
                                   lambda: self.gh.get_repo(self.repository), repo_lookup=True)
        repo: GhRepository = self._repo
        return repo

    def call(self, what: str, fn: Callable[[], T], *, repo_lookup: bool = False) -> T:
        """Run one PyGithub call, turning its exceptions into one-sentence errors."""
        try:
            return fn()
        except Exception as exc:
            raise translate(exc, what=what, client=self, repo_lookup=repo_lookup) from None


def is_connection_error(exc: BaseException) -> bool:
    import requests

    return isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.Timeout
                      | ConnectionError | TimeoutError)


def broken_off(exc: BaseException) -> bool:
    """The connection dropped in the middle of an answer (worth retrying, like a 5xx)."""
    import requests
    import urllib3

    return isinstance(exc, requests.exceptions.ChunkedEncodingError
                      | requests.exceptions.ContentDecodingError
                      | urllib3.exceptions.ProtocolError | urllib3.exceptions.TimeoutError)


def transport_failure(exc: BaseException, *, what: str, client: GitHubClient) -> GitHubError:
    """Any other requests/urllib3 failure, in one sentence (never a traceback)."""
    detail = secrets.scrub(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return GitHubError(f"The request to GitHub at {client.host} failed while trying to {what} "
                       f"({type(exc).__name__}: {detail}).",
                       remedy="Check [github] api_url in release.toml and the network, then "
                       "run the step again.")


def translate(exc: BaseException, *, what: str, client: GitHubClient,
              repo_lookup: bool = False) -> BaseException:
    """Map PyGithub, requests and urllib3 failures to :class:`GitHubError` subclasses.

    Anything else is returned unchanged: it is a bug, and its traceback is what fixes it.
    """
    import requests
    import urllib3
    from github import GithubException
    from github.GithubException import (
        BadCredentialsException,
        RateLimitExceededException,
        UnknownObjectException,
    )

    if isinstance(exc, ConsoleError):
        return exc
    if is_connection_error(exc):
        if isinstance(exc, TimeoutError) or "timed out" in str(exc).lower():
            return Transient(f"GitHub at {client.host} did not answer in time while trying to "
                             f"{what}.", remedy="Run the step again; it picks up where it stopped.")
        if on_this_machine(client.api_url):  # nothing listens there: the network is not the cause
            return GitHubOffline(
                f"Nothing answers at {client.host} on this machine, so GitHub cannot be reached.",
                remedy="Start the server it names ([github] api_url or GITHUB_API_URL); for the "
                "demo, `release-console demo --serve` prints the environment to use.")
        return GitHubOffline(f"Cannot reach GitHub at {client.host}: {OFFLINE}.")
    if broken_off(exc):
        return Transient(f"The connection to GitHub at {client.host} broke off while trying to "
                         f"{what}.", remedy="Run the step again; it picks up where it stopped.")
    if isinstance(exc, requests.exceptions.RequestException | urllib3.exceptions.HTTPError):
        return transport_failure(exc, what=what, client=client)
    if isinstance(exc, BadCredentialsException) or (
            isinstance(exc, GithubException) and exc.status == 401):
        return TokenRefused(
            f"GitHub at {client.host} refused the token from the {client.token_source} "
            "(401 Bad credentials).",
            remedy="Store a valid one with `release-console github login` or fix "
            f"{credentials.ENV_TOKEN}.", status=401)
    if isinstance(exc, RateLimitExceededException) or (
            isinstance(exc, GithubException) and exc.status == 403
            and "rate limit" in str(_message(exc)).lower()):
        return GitHubError(f"GitHub's API rate limit for this token is used up; it resets at "
                           f"{reset_time(exc)}.",
                           remedy="Wait until then and run the step again; nothing was lost.",
                           status=status_of(exc))
    if isinstance(exc, UnknownObjectException) and repo_lookup:
        return GitHubError(
            f"GitHub at {client.host} has no repository {client.repository}, or the token "
            "cannot see it (404).",
            remedy="Check [project] repository in release.toml and the token's access.",
            status=404)
    if isinstance(exc, GithubException):
        status = exc.status
        message = secrets.scrub(_message(exc))
        if status >= 500:
            return Transient(f"GitHub answered {status} while trying to {what}.",
                             remedy="Run the step again; it picks up where it stopped.",
                             status=status)
        return GitHubError(f"GitHub answered {status} ({message}) while trying to {what}.",
                           remedy=refusal_remedy(status, client), status=status)
    return exc


def refusal_remedy(status: int, client: GitHubClient) -> str:
    """What to do about a 4xx GitHub gave no special meaning to: a bare status is not enough."""
    if status == 403:
        return (f"The token from the {client.token_source} may lack write access to "
                f"{client.repository}; check it with `release-console github status`, then run "
                "the step again.")
    return "Correct what GitHub names, then run the step again; it picks up where it stopped."


def _message(exc: Any) -> str:
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        text = str(data.get("message") or "")
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            detail = errors[0].get("message") or errors[0].get("code") or ""
            text = f"{text}: {detail}" if detail else text
        return text or "no message"
    return str(getattr(exc, "message", "") or "no message")


def reset_time(exc: Any) -> str:
    """``HH:MM UTC`` from the X-RateLimit-Reset header (epoch seconds)."""
    headers = {str(k).lower(): v for k, v in (getattr(exc, "headers", None) or {}).items()}
    try:
        moment = datetime.fromtimestamp(int(float(headers["x-ratelimit-reset"])), tz=UTC)
    except (KeyError, ValueError, OverflowError):
        return "an unknown time (GitHub sent no reset header)"
    return moment.strftime("%H:%M UTC")


def status_of(exc: BaseException) -> int:
    from github import GithubException

    return int(exc.status) if isinstance(exc, GithubException) else 0


RetryNotice = Callable[[int, GitHubError], None]  # (the attempt about to start, why)


def retrying(what: str, fn: Callable[[], T], *, client: GitHubClient,
             before_retry: Callable[[], T | None] | None = None,
             on_retry: RetryNotice | None = None,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """Call ``fn``; on a transient failure wait and try again, up to len(BACKOFF_SECONDS) times.

    ``before_retry`` is how a non-idempotent call (a POST) looks before repeating itself: if it
    finds the work already done it returns the result and no second POST is sent. ``on_retry``
    is told before each new attempt, so a captain watching a long upload sees why it restarts.
    """
    attempt = 0
    while True:
        try:
            return client.call(what, fn)
        except (Transient, GitHubOffline) as err:
            if attempt >= len(BACKOFF_SECONDS):
                raise err from None
            sleep(BACKOFF_SECONDS[attempt])
            attempt += 1
            if on_retry is not None:
                on_retry(attempt + 1, err)
            if before_retry is not None:
                done = before_retry()
                if done is not None:
                    return done


def connect(policy: Policy, *, token: str | None = None, timeout: int = TIMEOUT_SECONDS,
            ) -> GitHubClient:
    """A client for the policy's repository; refuses without a repository or a token."""
    if not policy.project.repository:
        raise GitHubError(f"{policy.where} names no GitHub repository.",
                          remedy="Add repository = \"owner/name\" under [project].")
    url = credentials.api_url(policy.github_api_url)
    host = credentials.host_of(url)
    if token is None:
        found = credentials.require_token(host)
        token, source = found.value, found.source
    else:
        secrets.register(token)
        source = "caller"
    from github import Auth, Github

    gh = Github(auth=Auth.Token(token), base_url=url, timeout=timeout, retry=None,
                seconds_between_requests=None, seconds_between_writes=None)
    return GitHubClient(gh=gh, api_url=url, host=host, repository=policy.project.repository,
                        token_source=source)
