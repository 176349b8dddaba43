"""One rule for years (core.years): the range a ledger holds, and the year each record
belongs to, the same for the figures, the year selector, the lists and the export."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import ReportError, ValidationError
from core.figures import annual_figures, ledger_has_year
from core.ledger_io.columns import CAMPAIGNS, PENALTIES, ledger_rows
from core.ledger_io.exporter import export_ledger
from core.listing import ListQuery, list_ids
from core.models import Campaign, Inspection, OtherAct, PenaltyCase, Staff, Unit
from core.records import save, years_with_data
from core.years import FIRST_YEAR, LAST_YEAR, statistical_year, year_of


def _listed(session, model, year):
    query = ListQuery(model, year_of(model),
                      date_range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return list_ids(session, query)


def _exported_names(session, sheet, year):
    return [row[0] for row in ledger_rows(session, year, sheet)]


def test_a_campaign_across_new_year_is_counted_listed_and_exported_in_its_end_year(session):
    """The 寒假 campaign runs from 15 November 2025 to 10 February 2026: it belongs to 2026,
    the year it ends, wherever the clerk looks."""
    winter = save(session, Campaign(name="校外培训寒假治理", start_date=dt.date(2025, 11, 15),
                                    end_date=dt.date(2026, 2, 10), personnel=12))
    assert annual_figures(session, 2026).figures["campaign.total"].value == 1
    assert annual_figures(session, 2025).figures["campaign.total"].value == 0
    assert _listed(session, Campaign, 2026) == [winter.id]
    assert _listed(session, Campaign, 2025) == []
    assert _exported_names(session, CAMPAIGNS, 2026) == ["校外培训寒假治理"]
    assert _exported_names(session, CAMPAIGNS, 2025) == []
    assert years_with_data(session) == [2026]
    assert ledger_has_year(session, 2026) and not ledger_has_year(session, 2025)


def test_a_campaign_still_running_belongs_to_its_start_year(session):
    save(session, Campaign(name="校园安全专项整治", start_date=dt.date(2025, 9, 1)))
    assert annual_figures(session, 2025).figures["campaign.total"].value == 1
    assert len(_listed(session, Campaign, 2025)) == 1
    assert _exported_names(session, CAMPAIGNS, 2025) == ["校园安全专项整治"]


def test_last_years_inspections_keep_their_campaign_in_that_years_export(session):
    """An inspection of December 2025 under the winter campaign names it: the 2025 export
    carries the campaign too, so the inspection keeps its 专项行动 when imported elsewhere;
    it is still counted only in 2026."""
    winter = save(session, Campaign(name="校外培训寒假治理", start_date=dt.date(2025, 11, 15),
                                    end_date=dt.date(2026, 2, 10)))
    unit = save(session, Unit(name="启明星培训学校", unit_type="校外培训机构"))
    save(session, Inspection(date=dt.date(2025, 12, 3), unit=unit, category="专项检查",
                             method="其他", campaign=winter, result="合格"))
    assert _exported_names(session, CAMPAIGNS, 2025) == ["校外培训寒假治理"]
    assert annual_figures(session, 2025).figures["campaign.total"].value == 0


def test_an_undecided_penalty_case_is_listed_and_exported_under_its_filing_year(session):
    """A case filed in 2025 and not yet decided is in the 2025 list and export (before, the
    list went by the decision date alone and lost it), but no figure counts it."""
    case = save(session, PenaltyCase(decision_no="示教罚立〔2025〕9号", party="某培训机构",
                                     party_type="法人或其他组织", procedure="普通程序",
                                     kinds="警告", filed_on=dt.date(2025, 11, 20)))
    assert _listed(session, PenaltyCase, 2025) == [case.id]
    assert [row[1] for row in ledger_rows(session, 2025, PENALTIES)] == ["某培训机构"]
    assert annual_figures(session, 2025).figures["penalty.total"].value == 0


@pytest.mark.parametrize("year, accepted", [(FIRST_YEAR - 1, False), (FIRST_YEAR, True),
                                            (LAST_YEAR, True), (LAST_YEAR + 1, False)])
def test_every_entry_path_takes_the_same_years(session, tmp_path, year, accepted):
    """A 1999 record used to pass validation (1990–2100) and then be clamped to 2000 by the
    form's year box; the figures, validation, the export and the form now share one range."""
    def attempts():
        yield lambda: statistical_year(year)
        yield lambda: save(session, OtherAct(year=year, month=1, category="行政确认", item="学籍",
                                             count=1))
        yield lambda: save(session, Staff(name=f"张{year}", certificate_no=f"Z{year}",
                                          certificate_issued=dt.date(year, 6, 1)))
        yield lambda: export_ledger(session, year, tmp_path / f"台账{year}.xlsx")
    for attempt in attempts():
        if accepted:
            attempt()
        else:
            with pytest.raises((ReportError, ValidationError), match=str(year)):
                attempt()
            session.rollback()
