"""The 导语's legal basis (「根据…，现将…报告如下：」) for any bureau in any province.

The clerk may write the basis in 单位信息 (报告依据); left empty, it is the default for the
bureau's region and the report's year: from 2026 《行政执法监督条例》 (国务院令第825号, in force
2026-02-01), before that the State Council's 三项制度 opinion (国办发〔2018〕118号) that asks for
the yearly report; 《天津市行政执法监督规定》 is cited only for a bureau in Tianjin (alone
before 2026, as Tianjin's reports did, and after the national regulation from 2026). The titles
themselves are in resources/templates/report.toml ([basis]).
"""

from __future__ import annotations

# The national regulation's first year in force.
REGULATION_YEAR = 2026


def in_tianjin(region: str, bureau: str) -> bool:
    """The region names the province; an empty region falls back on the bureau's name."""
    return "天津" in (region.strip() or bureau)


def default_basis_names(region: str, bureau: str, year: int) -> list[str]:
    """Template names under [basis] for the default, in the order they are cited: the
    national regulation from 2026 (with Tianjin's own after it, in Tianjin); before 2026
    Tianjin's own in Tianjin, and the State Council's 三项制度 opinion elsewhere."""
    tianjin = in_tianjin(region, bureau)
    if year >= REGULATION_YEAR:
        return ["basis.national", "basis.tianjin"] if tianjin else ["basis.national"]
    return ["basis.tianjin"] if tianjin else ["basis.national_before_2026"]


def legal_basis(stored: str | None, region: str | None, bureau: str, year: int,
                templates=None) -> str:
    """The basis as it is cited after 「根据」: the clerk's own (a leading 「根据」 and a trailing
    punctuation mark dropped), else the default. Without `templates`, the template names
    joined with 「+」 stand in (for callers that only need to know which)."""
    own = (stored or "").strip().strip("，,。；;：:")
    if own.startswith("根据"):
        own = own[2:].strip()
    if own:
        return own
    names = default_basis_names(region or "", bureau, year)
    if templates is None:
        return "+".join(names)
    return "和".join(templates.render(name) for name in names)
