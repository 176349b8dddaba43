"""Every text field of every record kind, given hostile text, is either saved and read back
exactly, or refused with a ValidationError naming the field: never a crash.

Hostile: control characters, emoji, 100,000-character strings, =cmd|' /C calc'!A0 and other
formula text, HTML/XML fragments, RTL marks, lone surrogates, SQL.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from core.errors import ValidationError
from core.records import save

from .conftest import TEXT_FIELDS, hostile_text, valid_records


@pytest.mark.parametrize("model,field", TEXT_FIELDS,
                         ids=[f"{m.__name__}.{f}" for m, f in TEXT_FIELDS])
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_hostile_text_is_saved_intact_or_refused_by_name(store, model, field, text):
    with store.session() as s:
        record = valid_records(s)[model]
        try:
            setattr(record, field, text)
            save(s, record)
        except ValidationError as exc:
            assert exc.field and exc.field in str(exc)
            s.rollback()
            return
        s.expire(record)
        assert getattr(record, field) == text          # read back from the database
        s.rollback()                                   # keep the ledger small between examples
