"""Read a form off a rendered page as a browser would submit it, so a test can post "what
the page shows, with one field changed" to every form of a kind without knowing each
form's fields by heart."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    action: str
    method: str
    data: dict = field(default_factory=dict)  # name -> value or list of values
    names: list = field(default_factory=list)  # every control's name, in page order


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form = None
        self._select = None
        self._select_first = None
        self._option_value = None
        self._textarea = None

    def _add(self, name, value, multiple=False):
        form = self._form
        if name not in form.names:
            form.names.append(name)
        if value is None:
            return
        if multiple or name in form.data and isinstance(form.data[name], list):
            form.data.setdefault(name, [])
            if not isinstance(form.data[name], list):
                form.data[name] = [form.data[name]]
            form.data[name].append(value)
        elif name in form.data:
            form.data[name] = [form.data[name], value]
        else:
            form.data[name] = value

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = PageForm(attrs.get("action") or "", (attrs.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                self._add(
                    name,
                    attrs.get("value", "on") if "checked" in attrs else None,
                    multiple=kind == "checkbox",
                )
            else:
                self._add(name, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = [name, "multiple" in attrs, False]
            self._select_first = None
            if name not in self._form.names:
                self._form.names.append(name)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option_value = value
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs and value is not None:
                self._select[2] = True
                self._add(self._select[0], value, multiple=self._select[1])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._select is not None and self._option_value is None and self._select_first == "":
            pass

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea[0], self._textarea[1].lstrip("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple, chosen = self._select
            if not chosen and not multiple and self._select_first is not None:
                self._add(name, self._select_first)
            self._select = None


def form_with(html: str, field_name: str) -> PageForm:
    """The form of the page that has a control named `field_name`."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if field_name in form.names:
            return form
    raise AssertionError(f"no form with a field {field_name!r} on the page")
