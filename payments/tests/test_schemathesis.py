"""
Property-based tests of the whole API against its own OpenAPI document (schemathesis).

The document the service serves at `/api/schema/` is loaded in-process, and every operation it
lists — whatever endpoints exist when the suite runs — is called with generated requests, valid
and invalid, as a superuser with a token. Each answer must:

- never be a server error (5xx);
- have a status code, a content type, headers and a body that the document declares;
- refuse invalid input with a 4xx (`negative_data_rejection`);
- need the credentials the document says it needs (`ignored_auth`).

Random ids and references would almost always name nothing, so path ids and the references in
bodies (`channel`, `bank`, `pos`, ...) are drawn half the time from a small set of real objects
created before each operation's run; that way updates, deletes and the service rules behind
them are exercised too.

The number of examples per operation is bounded to keep the suite fast; set
`SCHEMATHESIS_MAX_EXAMPLES` (and `SCHEMATHESIS_PHASES=examples,coverage,fuzzing` for
schemathesis' systematic boundary cases) for a deeper run. Generation is derandomized, so a run
is reproducible.
"""

import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from omnitron.wsgi import application
from payments.tests.factories import (
    BankAccountFactory,
    BinNumberFactory,
    ChannelFactory,
    InstallmentFactory,
    MultiCurrencyCardFactory,
    PaymentOptionFactory,
    PosFactory,
)

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing").split(",")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]

# Form encodings carry every value as text and cannot express a JSON array, object or null in a
# field, so an "invalid" form body is often a valid one once encoded (or no field at all, which
# is a valid PATCH); invalid data is judged on JSON bodies and on the query and path.
FORM_CHECKS = [check for check in CHECKS if check is not negative_data_rejection]

# Body keys that refer to another object, and the resource (URL segment) of that object.
REFERENCES = {
    "channel": "channels",
    "bank": "banks",
    "card_type": "card_types",
    "card": "cards",
    "pos": "pos",
    "installment_pos": "pos",
    "three_d_pos": "pos",
}
RESOURCE = re.compile(r"^/api/v1/(?P<resource>[a-z_]+)/")

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.phases.update(phases=PHASES)

# The pk of one real object per resource, filled before each operation's run.
existing = {}


@pytest.fixture
def connection_kept_open():
    """Requests reach the WSGI application as a server would send them, and around each one
    Django closes a database connection that is inside a transaction, as the test's is;
    Django's own test client prevents that the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def superuser(django_user_model):
    """A superuser without a password: hashing one per operation would dominate the run."""
    return django_user_model.objects.create_superuser("schemathesis", password=None)


@pytest.fixture
def real_objects(db):
    """One object of every resource, on one channel, linked the way a shop's data is."""
    channel = ChannelFactory()
    pos = PosFactory(
        channel=channel,
        gateway="omnicore.libs.payment_gateways.nestpay.NestpayGateway",
        config={
            "client_id": "700655000200",
            "username": "api-user",
            "password": "schemathesis-password",
            "store_key": "schemathesis-store-key",
        },
    )
    currency = MultiCurrencyCardFactory(
        card__channel=channel, card__pos=pos, card__installment_pos=pos, pos=pos
    )
    card = currency.card
    objects = {
        "channels": channel,
        "pos": pos,
        "banks": card.bank,
        "card_types": card.card_type,
        "cards": card,
        "multi_currency_cards": currency,
        "bin_numbers": BinNumberFactory(card=card, bin_number="454360"),
        "installments": InstallmentFactory(card=card),
        "bank_accounts": BankAccountFactory(channel=channel, bank=card.bank),
        "payment_options": PaymentOptionFactory(channel=channel),
    }
    existing.clear()
    existing.update({resource: obj.pk for resource, obj in objects.items()})
    yield objects
    existing.clear()


@schema.hook("flatmap_path_parameters")
def sometimes_an_existing_object(context, path_parameters):
    pk = existing.get(_resource(context.operation.path))
    # Only a well-typed id is swapped: an invalid one is there to be refused.
    if not isinstance((path_parameters or {}).get("id"), int) or pk is None:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, "id": pk}])


@schema.hook("flatmap_body")
def sometimes_existing_references(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    keys = [
        key
        for key, value in body.items()
        if isinstance(value, int) and existing.get(REFERENCES.get(key)) is not None
    ]

    def swap(flags):
        chosen = [key for key, flag in zip(keys, flags, strict=True) if flag]
        return {**body, **{key: existing[REFERENCES[key]] for key in chosen}}

    return st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)).map(swap)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_every_operation_answers_as_documented(case, connection_kept_open, superuser, real_objects):
    # Logging out deletes the token, so each call gets one that exists.
    token, _created = Token.objects.get_or_create(user=superuser)
    headers = {"Authorization": f"Token {token.key}"}
    response = case.call(headers=headers)
    checks = CHECKS if _is_json_or_bodiless(case) else FORM_CHECKS
    case.validate_response(response, checks=checks, headers=headers)


def _is_json_or_bodiless(case):
    return case.media_type is None or case.media_type == "application/json"


def _resource(path):
    match = RESOURCE.match(path)
    return match["resource"] if match else None
