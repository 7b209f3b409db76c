"""Writes of the public side: a member releases or withdraws its sections, the moderator
approves or rejects a release.

Each write locks the release row and checks the state the person saw (`version`), so a
moderator cannot approve what the member withdrew a moment ago; every change is a save()
and so a record in the release's history (who, when).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network import public
from network.models.public import Release


def _known_keys() -> set[str]:
    return {section.key for section in public.public_sections()}


def release_set(*, membership, sections, user) -> list[Release]:
    """Release exactly `sections` (keys of public_sections()) of `membership`; every other
    installed section it had released is withdrawn. Withdrawing resets the moderator's
    approval: a section released again needs a new one. Answers the releases it changed."""
    wanted = set(sections)
    unknown = wanted - _known_keys()
    if unknown:
        raise ValidationError(
            _("Diesen Abschnitt gibt es nicht: %(keys)s") % {"keys": ", ".join(sorted(unknown))}
        )
    now = timezone.now()
    changed = []
    with transaction.atomic():
        existing = {
            r.section: r for r in Release.objects.select_for_update().filter(membership=membership)
        }
        for key in sorted(_known_keys()):
            release = existing.get(key)
            if key in wanted and not (release and release.released):
                release = release or Release(membership=membership, section=key)
                release.released, release.released_by, release.released_at = True, user, now
                release.approved, release.approved_by, release.approved_at = False, None, None
            elif key not in wanted and release and release.released:
                release.released, release.released_by, release.released_at = False, user, now
                release.approved, release.approved_by, release.approved_at = False, None, None
            else:
                continue
            if release.pk:
                release.version += 1
            release.full_clean()
            release.save()
            changed.append(release)
    return changed


def release_approve(*, release_id: int, version, approve: bool, user) -> Release | None:
    """The moderator's answer to one pending release. None (nothing written) when the
    release is no longer the one the moderator saw (`version`: withdrawn, released again)
    or is not released any more."""
    with transaction.atomic():
        release = Release.objects.select_for_update().filter(pk=release_id).first()
        if release is None or not release.released or str(release.version) != str(version):
            return None
        if release.approved == approve and release.approved_by_id:
            return release
        release.approved = approve
        release.approved_by = user
        release.approved_at = timezone.now()
        release.version += 1
        release.save()
        return release
