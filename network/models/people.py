"""Networks, municipalities, memberships, departments, people and their scoped roles."""

import hashlib
import re
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from network.concurrency import VersionedModel
from network.querysets import WatchedManager, WatchedQuerySet


def new_secret_token() -> str:
    return secrets.token_urlsafe(32)


class UserManager(BaseUserManager.from_queryset(WatchedQuerySet)):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person; logs in with the e-mail address."""

    username = None
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    # Secret part of the personal iCalendar feed URL; renewing it invalidates old links.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_secret_token)
    # The language of the person's mails, set by the language switch (German first).
    language = models.CharField(
        _("Sprache"), max_length=5, choices=[("de", "Deutsch"), ("en", "English")], default="de"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.email.lower()

    def renew_calendar_token(self):
        self.calendar_token = new_secret_token()
        self.save(update_fields=["calendar_token"])


class Network(VersionedModel):
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), unique=True)
    started_on = models.DateField(_("Start"))
    moderating_organisation = models.CharField(_("Moderation durch"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    quarterly_reports = models.BooleanField(
        _("Vierteljährliche Fortschrittsberichte"),
        default=False,
        help_text=_("Erstellt zu jedem Quartalsbeginn automatisch einen Bericht je Mitglied."),
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Netzwerk")
        verbose_name_plural = _("Netzwerke")
        ordering = ["name"]

    def __str__(self):
        return self.name


AGS_PATTERN = re.compile(r"^\d{5}(\d{3})?$")


def validate_ags(value: str) -> None:
    """Amtlicher Gemeindeschlüssel: 8 digits (5 for a Kreis), starting with the Land 01–16."""
    if not AGS_PATTERN.match(value or ""):
        raise ValidationError(
            _("Der Gemeindeschlüssel besteht aus 8 Ziffern (bei einem Kreis aus 5)."),
            code="ags_format",
        )
    if not 1 <= int(value[:2]) <= 16:
        raise ValidationError(
            _("Die ersten zwei Ziffern müssen ein Land bezeichnen (01 bis 16)."),
            code="ags_land",
        )


class Municipality(VersionedModel):
    class Kind(models.TextChoices):
        STADT = "stadt", _("Stadt")
        GEMEINDE = "gemeinde", _("Gemeinde")
        KREIS = "kreis", _("Kreis")

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), unique=True)
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"), max_length=8, unique=True, validators=[validate_ags]
    )
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"kind": "kreis"},
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not self.ags:
            return
        expected = 5 if self.kind == self.Kind.KREIS else 8
        if len(self.ags) != expected:
            raise ValidationError(
                {
                    "ags": _("Ein Kreis hat einen 5-stelligen Schlüssel.")
                    if expected == 5
                    else _("Eine Stadt oder Gemeinde hat einen 8-stelligen Schlüssel.")
                }
            )
        if self.parent_id:
            if self.kind == self.Kind.KREIS:
                raise ValidationError({"parent": _("Ein Kreis gehört zu keinem Kreis.")})
            if self.parent.kind != self.Kind.KREIS:
                raise ValidationError({"parent": _("Übergeordnet kann nur ein Kreis sein.")})
            if not self.ags.startswith(self.parent.ags):
                raise ValidationError(
                    {
                        "ags": _("Der Schlüssel muss mit dem des Kreises (%(kreis)s) beginnen.")
                        % {"kreis": self.parent.ags}
                    }
                )


def still_member_q(on=None, prefix: str = "") -> Q:
    """The one definition of "still a member" on a day (default: today): joined on or before
    it and not left by then. `prefix` reaches the membership from another model
    ("adoption__membership__"). Membership.is_active_on is the same rule for one row."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}joined_on__lte": on}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on})
    )


class MembershipQuerySet(WatchedQuerySet):
    def active(self, on=None):
        return self.filter(still_member_q(on))


class Membership(VersionedModel):
    """A municipality in a network. Everything it does there hangs off this key."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Netzwerk")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("Kommune"),
    )
    joined_on = models.DateField(_("Beigetreten am"))
    left_on = models.DateField(_("Ausgetreten am"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "municipality"], name="membership_unique_per_network"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} – {self.network}"

    def is_active_on(self, on) -> bool:
        """still_member_q for this row."""
        return self.joined_on <= on and (self.left_on is None or self.left_on > on)

    @property
    def is_active(self) -> bool:
        """Still a member today: readable and editable (a member that left stays readable)."""
        return self.is_active_on(timezone.localdate())


class Department(VersionedModel):
    """A department (Fachbereich, Amt) of a municipality's administration."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("Kommune"),
    )
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("Funktionspostfach"), blank=True)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fachbereich")
        verbose_name_plural = _("Fachbereiche")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="department_unique_name")
        ]

    def __str__(self):
        return self.name


class Role(VersionedModel):
    """What one person may do in one network; coordinators and staff belong to a member.

    Versioned because a staff member's department is edited in a form."""

    class Kind(models.TextChoices):
        MODERATOR = "moderator", _("Moderation")
        EXPERT = "expert", _("Expertin/Experte")
        COORDINATOR = "coordinator", _("Koordination")
        STAFF = "staff", _("Mitarbeit")
        OBSERVER = "observer", _("Beobachtung")

    MEMBER_KINDS = (Kind.COORDINATOR, Kind.STAFF)

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("Person")
    )
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="roles", verbose_name=_("Netzwerk")
    )
    kind = models.CharField(_("Rolle"), max_length=12, choices=Kind.choices)
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("Kommune"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("Fachbereich"),
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Rolle")
        verbose_name_plural = _("Rollen")
        constraints = [
            # Two partial constraints, because SQLite cannot treat NULLs as equal.
            models.UniqueConstraint(
                fields=["user", "network", "kind", "membership"],
                condition=Q(membership__isnull=False),
                name="role_unique_per_member",
            ),
            models.UniqueConstraint(
                fields=["user", "network", "kind"],
                condition=Q(membership__isnull=True),
                name="role_unique_per_network",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["coordinator", "staff"], membership__isnull=False)
                    | Q(kind__in=["moderator", "expert", "observer"], membership__isnull=True)
                ),
                name="role_membership_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(kind="staff"),
                name="role_department_only_for_staff",
            ),
        ]

    def __str__(self):
        where = f" ({self.membership.municipality})" if self.membership_id else ""
        return f"{self.user} – {self.get_kind_display()}{where}"

    def clean(self):
        super().clean()
        if self.kind in self.MEMBER_KINDS and not self.membership_id:
            raise ValidationError({"membership": _("Bitte die Kommune angeben.")})
        if self.kind not in self.MEMBER_KINDS and self.membership_id:
            raise ValidationError(
                {
                    "membership": _(
                        "Diese Rolle gilt für das ganze Netzwerk, nicht für eine Kommune."
                    )
                }
            )
        if self.membership_id and self.membership.network_id != self.network_id:
            raise ValidationError({"membership": _("Die Kommune ist nicht Mitglied im Netzwerk.")})
        if self.department_id and (
            not self.membership_id
            or self.department.municipality_id != self.membership.municipality_id
        ):
            raise ValidationError(
                {"department": _("Der Fachbereich gehört nicht zu dieser Kommune.")}
            )


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class InvitationQuerySet(WatchedQuerySet):
    def open(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A one-time link with which an invited person sets a password and takes a role.

    Only the SHA-256 of the token is stored: a leaked database does not leak live links.
    """

    VALID_FOR = timedelta(days=14)

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("E-Mail-Adresse"))
    first_name = models.CharField(_("Vorname"), max_length=150, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=150, blank=True)
    kind = models.CharField(_("Rolle"), max_length=12, choices=Role.Kind.choices)
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("Kommune")
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("Fachbereich")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Eingeladen von"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email


class EmailChangeQuerySet(WatchedQuerySet):
    def open(self):
        return self.filter(confirmed_at__isnull=True, expires_at__gt=timezone.now())


class EmailChange(models.Model):
    """A new login address someone asked for; it takes effect only when the link mailed to
    it is opened by the same, logged-in person (network.services.accounts).

    Until then the old address stays the login and where password resets go, so typing in
    somebody else's address (an open invitation's, say) takes over nothing. Only the
    SHA-256 of the token is stored, as for invitations. A request for an address that
    already belongs to another account is stored as well, with a token that was never sent
    anywhere: the person asking sees exactly what they would see for a free address, so
    the profile does not reveal who has an account. The rows are the history of a person's
    address (old, new, when asked, when confirmed).
    """

    VALID_FOR = timedelta(days=3)

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="email_changes", verbose_name=_("Person")
    )
    old_email = models.EmailField(_("Bisherige E-Mail-Adresse"))
    new_email = models.EmailField(_("Neue E-Mail-Adresse"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = EmailChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Änderung der E-Mail-Adresse")
        verbose_name_plural = _("Änderungen der E-Mail-Adresse")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.old_email} → {self.new_email}"


class MembershipRequestQuerySet(WatchedQuerySet):
    def open(self):
        return self.filter(status=MembershipRequest.Status.OPEN)


class MembershipRequest(models.Model):
    """A moderator asks that a municipality which is a member of other networks join theirs.

    Departments belong to the municipality and are shared by all its networks, and the
    moderation of a network may edit its members' departments. So a municipality that is
    still a member of a network whose moderation this person is not joins only when one of
    its coordinators agrees; the membership is created on acceptance. Who may answer is
    decided in network.access (`membership_requests_to_answer`).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ACCEPTED = "accepted", _("angenommen")
        DECLINED = "declined", _("abgelehnt")

    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("Netzwerk"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("Kommune"),
    )
    joined_on = models.DateField(_("Beigetreten am"))
    requested_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Angefragt von"),
    )
    requested_at = models.DateTimeField(_("Angefragt am"), auto_now_add=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answered_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Beantwortet von"),
    )
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("Beitrittsanfrage")
        verbose_name_plural = _("Beitrittsanfragen")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "municipality"],
                condition=Q(status="open"),
                name="membership_request_one_open",
                violation_error_message=_(
                    "Für diese Kommune gibt es schon eine offene Beitrittsanfrage."
                ),
            )
        ]

    def __str__(self):
        return f"{self.municipality} → {self.network}"
