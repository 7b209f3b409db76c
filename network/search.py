"""The portal's search: one field in the header, results from every network the person
belongs to, grouped by kind.

`network` searches what is its own (minutes, decisions, meeting documents, cases of the
collegial consultation) and asks the topic apps for the rest through the `search_sources`
hook (network.plugins): classes with

    key: str                       # "kriterien": the kind, and the page's ?art=
    label: str                     # "Kriterien": the heading of the kind
    network_field: str             # how a row finds its network ("membership__network_id")
    fields: dict[str, str]         # searched fields and their weight: {"title": "A", …}
    markdown_fields: set[str]      # of these, the ones people write in Markdown
    def queryset(self, searcher)   # the rows the person may read, usually
                                   # searcher.readable(lambda access: <the app's rule>);
                                   # the engine adds the filter by the person's networks
    def title(self, row) -> str
    def url(self, row, network) -> str
    def detail(self, row) -> str   # optional: a short line under the title ("Entwurf")

Each source costs one query, whatever the number of rows: its best hits and, with a
window count, how many there are in all.

On PostgreSQL the text is searched with the German full-text configuration (stemming,
stop words), ranked by ts_rank with the title weighted above the text; each word of the
query is a prefix, so „Kriterien“ finds „Kriterium“ and a half-typed word finds the
whole. On SQLite every word must occur (case- and umlaut-folded) and hits are ranked by
how often the words occur. On both, umlauts are folded the same way in the text and in
the query (`fold`), so „Kämmerei“, „Kaemmerei“ and „Kammerei“ find each other — without
an extension or an index of its own, so no migration is needed (the text is read row by
row: an expression index is the step for a national data set).
"""

import operator
import re
from dataclasses import dataclass
from functools import cached_property, reduce

from django.db import connection
from django.db.models import Count, F, FloatField, Func, QuerySet, TextField, Value, Window
from django.db.models.functions import Cast, Coalesce, Concat, Length, Lower, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from network import plugins
from network.access import Access
from network.exchange import rules as exchange_rules
from network.models import Decision, Document, Meeting, Role

MAX_QUERY_LENGTH = 200  # characters: longer queries are cut
MAX_WORDS = 8
MIN_LENGTH = 3  # characters of words in all: fewer find everything and say nothing
PER_KIND = 5  # hits of each kind on the overview; the rest on the kind's own page
PAGE_SIZE = 20  # hits on the page of one kind
EXCERPT_LENGTH = 200

# The same folding for the text (in SQL) and the query (in Python), applied in this order
# after lower-casing: the two-letter spellings first, so that „Kaemmerei“ and „Kämmerei“
# both become „kammerei“. The upper-case umlauts are listed because SQLite's lower() only
# folds ASCII.
FOLDS = [
    ("ae", "a"),
    ("oe", "o"),
    ("ue", "u"),
    ("ä", "a"),
    ("ö", "o"),
    ("ü", "u"),
    ("Ä", "a"),
    ("Ö", "o"),
    ("Ü", "u"),
    ("ß", "ss"),
]


def fold(text: str) -> str:
    """`text` as the search compares it: lower case, umlauts and ß folded."""
    return _fold_with_positions(text)[0]


def _fold_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the character of
    `text` it came from (to mark a match found in the folded text in the original). One
    pass from the left gives what the replacements of FOLDS in order give."""
    pairs = {a: b for a, b in FOLDS if len(a) == 2}
    singles = {a: b for a, b in FOLDS if len(a) == 1}
    out, positions = [], []
    i = 0
    while i < len(text):
        two = text[i : i + 2].lower()
        if two in pairs and len(text[i : i + 2]) == 2 and text[i : i + 2].isascii():
            out.append(pairs[two])
            positions.append(i)
            i += 2
            continue
        char = text[i]
        folded = singles.get(char) or singles.get(char.lower()) or char.lower()
        out.append(folded)
        positions.extend([i] * len(folded))
        i += 1
    return "".join(out), positions


def fold_expression(expression):
    """`fold` in SQL. PostgreSQL: the replacements of FOLDS in the same order (its lower()
    folds umlauts too). SQLite knows no Unicode lower-casing, and nesting ten replace()
    calls per field and word overflows its parser: there the database calls `fold` itself
    (registered on the connection by `_sqlite_fold`)."""
    if connection.vendor == "sqlite":
        _sqlite_fold()
        return Func(expression, function=SQLITE_FOLD, output_field=TextField())
    expression = Lower(expression, output_field=TextField())
    for old, new in FOLDS:
        if old == old.lower():
            expression = Replace(expression, Value(old), Value(new), output_field=TextField())
    return expression


SQLITE_FOLD = "knn_search_fold"


def _sqlite_fold():
    """Make `fold` a function of the current SQLite connection (cheap; idempotent)."""
    connection.ensure_connection()
    connection.connection.create_function(
        SQLITE_FOLD, 1, lambda text: fold(text or ""), deterministic=True
    )


@dataclass(frozen=True)
class Query:
    """What a person typed, cut to size and split into folded words."""

    text: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, raw: str | None) -> "Query":
        text = (raw or "").strip()[:MAX_QUERY_LENGTH]
        # Letters and digits only: nothing of the input reaches a query language.
        words = []
        for word in re.findall(r"[^\W_]+", fold(text)):
            if word not in words:
                words.append(word)
        return cls(text=text, words=tuple(words[:MAX_WORDS]))

    @property
    def is_empty(self) -> bool:
        return not self.text

    @property
    def is_too_short(self) -> bool:
        return sum(len(word) for word in self.words) < MIN_LENGTH


@dataclass
class Searcher:
    """A user's standing in all their networks (one query over their roles), or in one of
    them (`narrowed`)."""

    user: object
    roles: list[Role]

    @classmethod
    def of(cls, user) -> "Searcher":
        roles = Role.objects.filter(user=user).select_related("network")
        return cls(user=user, roles=list(roles.order_by("network__name", "pk")))

    def narrowed(self, network_slug: str) -> "Searcher":
        """The same person, searching one of their networks only (none: not theirs)."""
        return Searcher(
            user=self.user, roles=[r for r in self.roles if r.network.slug == network_slug]
        )

    @cached_property
    def networks(self) -> dict:
        """The person's networks by id, by name."""
        return {role.network_id: role.network for role in self.roles}

    @cached_property
    def accesses(self) -> dict[int, Access]:
        """Each network's Access, built from the roles already read (no query): the same
        object the network's pages decide with, so the search shows what they show."""
        return {
            network_id: Access(
                user=self.user,
                network=network,
                roles=[r for r in self.roles if r.network_id == network_id],
            )
            for network_id, network in self.networks.items()
        }

    def readable(self, rows_of) -> QuerySet:
        """The rows the person may read in all their networks, as one queryset:
        `rows_of(access)` gives one network's rows as that network's pages choose them
        (with the app's own visibility rule, e.g. `.visible_to(access)`), and the networks'
        querysets are joined with OR, so the rule is written once and costs no query more."""
        return reduce(operator.or_, [rows_of(access) for access in self.accesses.values()])


@dataclass(frozen=True)
class Hit:
    title: SafeString  # escaped, matches marked
    excerpt: SafeString
    url: str
    network: object
    detail: str = ""


@dataclass
class Group:
    """The hits of one kind: the best ones, and how many there are in all."""

    key: str
    label: str
    hits: list[Hit]
    total: int
    offset: int = 0

    @property
    def more(self) -> bool:
        return self.total > self.offset + len(self.hits)


# --- the engine ---------------------------------------------------------------------------


def sources() -> list:
    return [NetworkMinutes(), NetworkDecisions(), NetworkDocuments(), NetworkCases()] + [
        source() for source in plugins.objects("search_sources")
    ]


def source_by_key(key: str):
    return next((source for source in sources() if source.key == key), None)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def search(searcher: Searcher, query: Query, *, only=None, offset=0, limit=PER_KIND):
    """The groups of hits (those with any) for `query`: of every source, or of the one
    with key `only`, from `offset` on."""
    if query.is_too_short or not searcher.networks:
        return []
    chosen = [s for s in sources() if only is None or s.key == only]
    groups = [_search_source(source, searcher, query, offset, limit) for source in chosen]
    return [group for group in groups if group.total]


def _search_source(source, searcher, query, offset, limit) -> Group:
    rows = _matching(source, searcher, query).annotate(
        search_network_id=F(source.network_field), search_total=Window(Count("*"))
    )
    found = list(rows.order_by("-search_rank", "-pk")[offset : offset + limit])
    total = found[0].search_total if found else 0
    if not found and offset:
        # A page past the end still says how many there are (one more query, rare).
        total = _matching(source, searcher, query).count()
    hits = [_hit(source, row, searcher, query) for row in found]
    return Group(key=source.key, label=str(source.label), hits=hits, total=total, offset=offset)


def _matching(source, searcher, query):
    """The source's rows the person may read that match, with their `search_rank`. The
    filter by the person's networks is the engine's, whatever the source returns."""
    rows = source.queryset(searcher).filter(
        **{f"{source.network_field}__in": list(searcher.networks)}
    )
    if is_postgresql():
        return _postgresql_match(rows, source, query)
    return _fallback_match(rows, source, query)


def _postgresql_match(rows, source, query):
    # Imported here: the module needs psycopg, which an SQLite installation may lack.
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = None
    for name, weight in source.fields.items():
        part = SearchVector(fold_expression(F(name)), weight=weight, config="german")
        vector = part if vector is None else vector + part
    # Each word a prefix: the stem of „Kriterien“ (kriteri) begins „Kriterium“.
    tsquery = SearchQuery(
        " & ".join(f"'{word}':*" for word in query.words), search_type="raw", config="german"
    )
    return rows.annotate(search_vector=vector, search_rank=SearchRank(vector, tsquery)).filter(
        search_vector=tsquery
    )


def _fallback_match(rows, source, query):
    """Every word somewhere in the folded text; ranked by how often the words occur."""
    parts = []
    for name in source.fields:
        parts.extend([Coalesce(F(name), Value(""), output_field=TextField()), Value(" ")])
    rows = rows.annotate(search_text=fold_expression(Concat(*parts, output_field=TextField())))
    rank = Value(0.0)
    for word in query.words:
        rows = rows.filter(search_text__contains=word)
        occurrences = Length("search_text") - Length(
            Replace("search_text", Value(word), Value(""), output_field=TextField())
        )
        rank = rank + Cast(occurrences, FloatField()) / len(word)
    return rows.annotate(search_rank=rank)


def _hit(source, row, searcher, query) -> Hit:
    texts = []
    for name in source.fields:
        value = getattr(row, name, "") or ""
        if name in getattr(source, "markdown_fields", ()):
            value = strip_markdown(value)
        texts.append(str(value))
    detail = getattr(source, "detail", None)
    return Hit(
        title=highlight(source.title(row), query.words),
        excerpt=excerpt(texts, query.words),
        url=source.url(row, searcher.networks[row.search_network_id]),
        network=searcher.networks[row.search_network_id],
        detail=detail(row) if detail else "",
    )


# --- highlights ---------------------------------------------------------------------------


def _match_spans(text: str, words) -> list[tuple[int, int]]:
    """(start, end) in `text` of each match of a folded word, to the end of the word it
    falls in (the stem „kriteri“ marks all of „Kriterium“). A word that does not occur
    as typed is looked for by its beginning, as the PostgreSQL prefix search finds it."""
    folded, positions = _fold_with_positions(text)
    spans = []
    for word in words:
        candidates = [word]
        if len(word) > 4:
            candidates.append(word[: max(4, len(word) - 3)])
        for candidate in candidates:
            found = [m.start() for m in re.finditer(re.escape(candidate), folded)]
            if found:
                for start in found:
                    end = start + len(candidate)
                    while end < len(folded) and (folded[end].isalnum()):
                        end += 1
                    spans.append((positions[start], positions[end - 1] + 1))
                break
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, words, spans=None) -> SafeString:
    """`text` escaped, with each match in <mark>. Every piece of the text is escaped
    before it is put together; only the <mark> tags are markup."""
    text = str(text or "")
    spans = _match_spans(text, words) if spans is None else spans
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece escaped above


def excerpt(texts, words, length: int = EXCERPT_LENGTH) -> SafeString:
    """About `length` characters around the first match in the first text that has one
    (else the beginning of the first text that is not empty), highlighted."""
    texts = [" ".join(text.split()) for text in texts if text and text.strip()]
    if not texts:
        return SafeString("")
    for text in texts:
        spans = _match_spans(text, words)
        if spans:
            break
    else:
        text, spans = texts[0], []
    first = spans[0][0] if spans else 0
    start = max(0, first - length // 3)
    if start:  # begin at a word
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > max(first, start) else end
    shown = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
    ]
    body = highlight(text[start:end], words, spans=shown)
    return format_html("{}{}{}", "… " if start else "", body, " …" if end < len(text) else "")


_MARKDOWN = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"^[ \t]{0,3}(#{1,6}|>+|[-*+]|\d+[.)])[ \t]+", re.MULTILINE), ""),  # blocks
    (re.compile(r"^[ \t]*([-*_][ \t]*){3,}$|^[ \t]*\|?[ \t:|-]+\|[ \t:|-]*$", re.MULTILINE), " "),
    (re.compile(r"(\*\*|__|\*|_|~~|`+)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # emphasis, code
    (re.compile(r"\|"), " "),  # table cells
]


def strip_markdown(text: str) -> str:
    """The words of a Markdown text without its syntax, for an excerpt."""
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return text


# --- what network itself offers -----------------------------------------------------------


def _date(moment) -> str:
    return date_format(timezone.localtime(moment), "d.m.Y")


class NetworkMinutes:
    key = "protokolle"
    label = _("Protokolle")
    network_field = "network_id"
    fields = {"title": "A", "minutes": "B"}
    markdown_fields = {"minutes"}

    def queryset(self, searcher):
        # Draft minutes only for those who write them (Meeting.minutes_readable_by).
        return searcher.readable(
            lambda access: Meeting.objects.filter(network=access.network).minutes_readable_by(
                access
            )
        ).exclude(minutes="")

    def title(self, row):
        return row.title

    def detail(self, row):
        return _date(row.starts_at)

    def url(self, row, network):
        return reverse("network:meeting_detail", args=[network.slug, row.pk]) + "#minutes-heading"


class NetworkDecisions:
    key = "beschluesse"
    label = _("Beschlüsse")
    network_field = "meeting__network_id"
    fields = {"text": "A"}
    markdown_fields = set()

    def queryset(self, searcher):
        return Decision.objects.select_related("meeting")

    def title(self, row):
        return row.meeting.title

    def detail(self, row):
        return _date(row.meeting.starts_at)

    def url(self, row, network):
        return (
            reverse("network:meeting_detail", args=[network.slug, row.meeting_id])
            + "#decisions-heading"
        )


class NetworkDocuments:
    """The titles of meeting documents (attachments of guidelines and evidence of scores
    belong to the building app, which decides who sees them)."""

    key = "dokumente"
    label = _("Dokumente")
    network_field = "network_id"
    fields = {"title": "A", "original_name": "B"}
    markdown_fields = set()

    def queryset(self, searcher):
        return Document.objects.filter(meeting__isnull=False).select_related("meeting")

    def title(self, row):
        return row.title

    def detail(self, row):
        return row.meeting.title

    def url(self, row, network):
        return reverse("network:document_download", args=[network.slug, row.meeting_id, row.pk])


class NetworkCases:
    """Cases of the collegial consultation, as confidential as they are: a case kept to the
    moderation is found only by the moderation, its owner and the coordinators of its
    municipality (network.exchange.rules.cases_for)."""

    key = "faelle"
    label = _("Fallberatung")
    network_field = "network_id"
    fields = {"title": "A", "description": "B", "conclusion": "C"}
    markdown_fields = {"description", "conclusion"}

    def queryset(self, searcher):
        return searcher.readable(exchange_rules.cases_for).select_related(
            "membership__municipality"
        )

    def title(self, row):
        return row.title

    def detail(self, row):
        return f"{row.membership.municipality.name} · {row.get_phase_display()}"

    def url(self, row, network):
        return reverse("network:case_detail", args=[network.slug, row.pk])
