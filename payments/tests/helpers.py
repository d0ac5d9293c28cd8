"""Small helpers of the API tests: reading list answers and dating rows."""

from datetime import UTC, datetime

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
