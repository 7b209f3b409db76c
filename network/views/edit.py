"""The one edit path of every form page of the portal.

    return form_page(
        request, access, ProjectForm(posted(request), instance=project),
        title=_("Bauvorhaben bearbeiten"),
        back_url=project_url,
        success_url=project_url,
        message=_("Das Bauvorhaben wurde gespeichert."),
        save=lambda form: services.project_save(form=form),   # default: save_checked()
    )

GET shows `templates/form_page.html` (or `template`, which extends it). A POST whose form
(and the forms in `also`, e.g. a formset) is valid is saved with `save(form)`; the default
is `form.save_checked()`, the version check of VersionedModelForm. A save that answers None
was refused by an edit conflict: the page comes again with the person's input, the other
person's changes (includes/_conflict.html) and the current version, so that saving once
more overwrites deliberately — the same in every app. A ValidationError from the save is
shown at the top of the form. Anything else saved gives the message and the redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from network.views.common import page_context
from network.views.history import readable_changes


def keep_conflict_version(form) -> None:
    """After an edit conflict the form is shown again with the person's own input and the
    other person's changes; saving it once more is then a deliberate overwrite of the
    current state, so the re-shown form carries the current version. Without this the
    hidden field keeps the stale version and every further save is refused again."""
    if getattr(form, "conflict", None) is not None:
        form.data = form.data.copy()
        form.data["loaded_version"] = form.conflict.current.version
        form.conflict_rows = readable_changes(form.conflict)


def _default_save(form):
    if hasattr(form, "save_checked"):
        return form.save_checked()
    return form.save()


def form_page(
    request,
    access,
    form,
    *,
    title: str,
    success_url,
    message: str,
    back_url: str = "",
    save=None,
    also=(),
    template: str = "form_page.html",
    **context,
):
    """Render or save a form page (see the module's docstring). `success_url` and `message`
    may be functions of the saved object."""
    if request.method == "POST" and form.is_valid() and all(other.is_valid() for other in also):
        try:
            saved = (save or _default_save)(form)
        except ValidationError as error:
            form.add_error(None, error)
            saved = None
        else:
            if saved is not None:
                messages.success(request, message(saved) if callable(message) else message)
                return redirect(success_url(saved) if callable(success_url) else success_url)
            keep_conflict_version(form)
    return render(
        request,
        template,
        page_context(access, form=form, title=title, back_url=back_url, **context),
    )
