"""Every status a column of the database holds, one vocabulary per column, in one place.

Writers name a status from here (`RunStatus.DONE`), the table declarations point each status
column at its vocabulary (`Column(..., values=RunStatus)`, so the data dictionary lists the
values), and a test checks every value the demo's crawl, check and score write is one of them.
Each vocabulary is a StrEnum: its members are the plain strings stored and compared.

Could-not-test is not failed: a fetch FAILURE (`timeout`, `robots_disallowed` ...) becomes an
`unknown` finding with that reason as its status, never `absent`.
"""

from __future__ import annotations

from enum import StrEnum

# Why a fetch (or a test that needed it) failed: crawler/core/failures.py classifies into these.
FAILURES = (
    "dns_error",
    "connect_error",
    "timeout",
    "tls_error",
    "http_4xx",
    "http_5xx",
    "too_many_redirects",
    "robots_disallowed",
    "too_large",
    "blocked",
    "refused_unsafe",
    "error",
)

OK = "ok"

# Why a linked page that answered does not count as the section (crawler/detect/sections.py):
# a `linked_broken` finding carries one of these as its status.
SHELLS = ("soft_404", "placeholder", "test_only", "empty", "off_topic")

FetchStatus = StrEnum("FetchStatus", {"OK": OK, **{f.upper(): f for f in FAILURES}})
FetchStatus.__doc__ = "pages.fetch_status: ok, or the failure of the fetch."


class RunStatus(StrEnum):
    """runs.status (a killed run stays running)."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class FrontierState(StrEnum):
    """frontier.state."""

    QUEUED = "queued"
    DONE = "done"


FindingStatus = StrEnum(
    "FindingStatus",
    {
        "OK": OK,
        # why a criterion could not be tested, beside the fetch failures:
        "NOT_CHECKED": "not_checked",  # no page or input the criterion needs
        "NEEDS_BROWSER": "needs_browser",  # the catalogue renders only in a browser
        "NO_DATES": "no_dates",  # func.freshness: no page shows a date
        "UNKNOWN": "unknown",  # a value with no recorded reason (older rows)
        **{f.upper(): f for f in FAILURES},
        **{f.upper(): f for f in SHELLS},
    },
)
FindingStatus.__doc__ = "findings.status: ok, or why the criterion could not be tested."

ScoreStatus = StrEnum(
    "ScoreStatus",
    {
        **{m.name: m.value for m in FindingStatus},
        # why scoring had no value, beside a finding's own status (scoring/observe.py):
        "NOT_OBSERVED": "not_observed",  # no finding for the criterion
        "NOT_REPORTED": "not_reported",  # a reported.* indicator with no imported value
        "NOT_CRAWLED": "not_crawled",  # svc.*: no catalogue finding at all
        "NO_PROCEDURE_PAGES": "no_procedure_pages",  # svc.procedure_fields: no procedure page
        "CHECKS_FAILED": "checks_failed",  # svc.verified: every sampled check crashed
        "NOTHING_TO_CHECK": "nothing_to_check",  # a share of checked services with none to count
    },
)
ScoreStatus.__doc__ = "criterion_scores.status: a finding's status, or why scoring had no value."


class CheckState(StrEnum):
    """service_checks.state: the browser check's job state."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CheckStatus(StrEnum):
    """service_checks.status: how the walk of a service ended."""

    OK = OK
    TIMEOUT = "timeout"
    ENTRY_ERROR = "entry_error"
    FORM_NOT_RENDERED = "form_not_rendered"
    NO_FORM = "no_form"
    ERROR = "error"


class CheckAccess(StrEnum):
    """service_checks.access: what a citizen can do at the service's online entry."""

    USABLE = "usable"
    BEHIND_LOGIN = "behind_login"
    NOT_USABLE = "not_usable"


class WorkState(StrEnum):
    """browser_work.state: the crawl's hand-off, to do or done."""

    PENDING = "pending"
    DONE = "done"


class AuditStatus(StrEnum):
    """page_audits.status."""

    OK = OK
    ERROR = "error"
    TIMEOUT = "timeout"


class ServiceStatus(StrEnum):
    """declared_services.status: in service (chính thức) or on trial (đang thử nghiệm)."""

    IN_SERVICE = "in_service"
    TESTING = "testing"
    UNKNOWN = "unknown"


class CampaignState(StrEnum):
    """campaigns.state: open -> retest -> frozen -> published."""

    OPEN = "open"
    RETEST = "retest"
    FROZEN = "frozen"
    PUBLISHED = "published"


class EditionKind(StrEnum):
    """editions.kind."""

    PUBLICATION = "publication"
    ERRATUM = "erratum"


VOCABULARIES = (
    FetchStatus,
    RunStatus,
    FrontierState,
    FindingStatus,
    ScoreStatus,
    CheckState,
    CheckStatus,
    CheckAccess,
    WorkState,
    AuditStatus,
    ServiceStatus,
    CampaignState,
    EditionKind,
)


def values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in vocabulary)


def check(vocabulary: type[StrEnum], value: str) -> str:
    """`value`, or ValueError naming the vocabulary when it is not one of its statuses."""
    if value not in values(vocabulary):
        raise ValueError(
            f"status {value!r} is not a {vocabulary.__name__} ({', '.join(values(vocabulary))}); "
            "add it to crawler/core/status.py first"
        )
    return value
