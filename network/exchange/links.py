"""What a case links to and what the moderation may make of its conclusion, offered by the
topic apps through two hooks (network/plugins.py), so that `network` never imports them.

    class Criteria:                        # hook case_link_sources
        key = "procurement.criterion"      # stored in CaseLink.source; never change it
        kind = _("Mindestkriterium")
        def linkable(self, access, membership) -> list[Linkable]: ...
        def resolve(self, access, ids) -> dict[int, Linkable]: ...

    class GuidelineDraft:                  # hook case_outcomes
        key = "building.guideline"
        label = _("Als Leitlinien-Entwurf übernehmen")
        def allowed(self, access, case) -> bool: ...
        def create(self, case, actor): ...                  # the new object
        def made(self, access, case) -> list[Linkable]: ... # what came of it, visible

`linkable` lists what a person may link a case of `membership` to; `resolve` answers for
the ids stored with a case only those the person may read (one query per source), so a
link never shows a title its reader may not see.
"""

from dataclasses import dataclass
from typing import Protocol

from network import plugins


@dataclass(frozen=True)
class Linkable:
    source: str  # the source's key
    kind: str  # „Mindestkriterium“, „Bauvorhaben“ …
    object_id: int
    title: str
    url: str

    @property
    def value(self) -> str:
        """The value of this object in a form's choice."""
        return f"{self.source}:{self.object_id}"


class CaseLinkSource(Protocol):
    key: str
    kind: str

    def linkable(self, access, membership) -> list[Linkable]: ...

    def resolve(self, access, ids) -> dict[int, Linkable]: ...


class CaseOutcome(Protocol):
    key: str
    label: str

    def allowed(self, access, case) -> bool: ...

    def create(self, case, actor): ...

    def made(self, access, case) -> list[Linkable]: ...


def sources() -> dict[str, CaseLinkSource]:
    return {
        source.key: source for source in (cls() for cls in plugins.objects("case_link_sources"))
    }


def outcomes() -> dict[str, CaseOutcome]:
    return {outcome.key: outcome for outcome in (cls() for cls in plugins.objects("case_outcomes"))}


def choices(access, membership) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices (kind, [(value, title)]) for linking a case of `membership`."""
    grouped = []
    for source in sources().values():
        items = source.linkable(access, membership)
        if items:
            grouped.append((str(source.kind), [(item.value, item.title) for item in items]))
    return grouped


def parse(value: str) -> tuple[str, int]:
    source, _, object_id = value.rpartition(":")
    return source, int(object_id)


def resolved(access, case) -> list[Linkable]:
    """The links of `case` that `access` may read, grouped by source in hook order."""
    wanted: dict[str, list[int]] = {}
    for link in case.links.all():
        wanted.setdefault(link.source, []).append(link.object_id)
    result = []
    for key, source in sources().items():
        if key in wanted:
            found = source.resolve(access, wanted[key])
            result.extend(found[pk] for pk in wanted[key] if pk in found)
    return result


def made_of(access, case) -> list[Linkable]:
    """What the outcomes made of `case`, as far as `access` may read it."""
    return [item for outcome in outcomes().values() for item in outcome.made(access, case)]
