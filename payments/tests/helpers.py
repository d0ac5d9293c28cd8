"""Small helpers of the tests: reading list answers, dating rows and submitting admin forms."""

from datetime import UTC, datetime
from html.parser import HTMLParser

ISO_UTC = r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\Z"


def pks(response):
    """The `pk`s on a list answer's page, in the order answered."""
    assert response.status_code == 200, response.content
    return [item["pk"] for item in response.json()["results"]]


def set_modified(instance, when):
    """Date `instance` as modified at `when` (an ISO string), bypassing `auto_now`."""
    moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
    type(instance).objects.filter(pk=instance.pk).update(modified_date=moment)


def set_created(instance, when):
    """Date `instance` as created at `when` (an ISO string), bypassing `auto_now_add`."""
    moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
    type(instance).objects.filter(pk=instance.pk).update(created_date=moment)


class _FormReader(HTMLParser):
    """Collects what a browser submits for the form `form_id` of a page."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.select = None  # [name, options, selected] of the open <select>
        self.textarea = None  # [name, text] of the open <textarea>

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = [name, [], []]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select[1].append(value)
            if "selected" in attrs:
                self.select[2].append(value)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            name, options, selected = self.select
            for value in selected or options[:1]:
                self.fields.append((name, value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # A browser drops the one newline that may follow <textarea>.
            self.fields.append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self.textarea = None


def form_data(html, form_id):
    """What a browser posts when the form `form_id` of `html` is submitted untouched, as
    `{name: [values]}` for the test client (the submit button itself is not included)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    assert reader.fields, f"No form with id {form_id!r} on the page."
    data = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return data
