"""Labels in Dutch and English, and numbers, money and dates written the way each locale reads them.

Formatting is written out by hand (no babel): the pages need only two locales, and the rules fit
on one screen. Values arrive as Decimal (money, hours), int (counts) or float (ratios); they are
rounded here, for display only, half up as bookkeeping does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

LANGUAGES = ("nl", "en")
MISSING = "–"

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}

MONTHS = {
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}

# key -> (nl, en). One catalogue for every label on every page and in every chart.
CATALOGUE: dict[str, tuple[str, str]] = {
    # page frame
    "regisseur_title": ("Regisseur", "Regisseur"),
    "regisseur_intro": (
        "Wat de samenwerking in het drijvende veld oplevert, per kwartaal en cumulatief.",
        "What the collaboration in the driving field yields, per quarter and cumulatively.",
    ),
    "partner_title": ("Partnerpagina", "Partner page"),
    "partner_intro": (
        "Uw eigen cijfers, met de berekening erachter, naast de totalen van het programma.",
        "Your own figures, with the arithmetic behind them, next to the programme's totals.",
    ),
    "funders_title": ("Financiers", "Funders"),
    "funders_intro": (
        "Uitkomsten van het programma, de methode, en de herkomst van elk cijfer.",
        "The programme's outcomes, the method, and where every figure comes from.",
    ),
    "period": ("Kwartaal", "Quarter"),
    "choose_period": ("Kies een kwartaal", "Choose a quarter"),
    "as_of": ("stand per", "as of"),
    "this_period": ("dit kwartaal", "this quarter"),
    "cumulative": ("cumulatief", "cumulative"),
    "since_last_period": ("t.o.v. vorig kwartaal", "since last quarter"),
    "no_previous_period": ("eerste kwartaal", "first quarter"),
    "no_data": ("Nog geen gegevens.", "No data yet."),
    "nothing_to_report": ("Niets te melden.", "Nothing to report."),
    "more_rows": (
        "{shown} van {total} regels getoond; alle regels staan in {file}.",
        "{shown} of {total} rows shown; every row is in {file}.",
    ),
    "footer_run": ("Run", "Run"),
    "footer_code": ("code", "code"),
    "footer_generated": ("gemaakt op", "generated at"),
    "nav_regisseur": ("Regisseur", "Regisseur"),
    "nav_funders": ("Financiers", "Funders"),
    "nav_partners": ("Partners", "Partners"),
    "total": ("Totaal", "Total"),
    # figures
    "contribution": ("Bijdrage", "Contribution"),
    "contribution_money": ("Bijdrage in geld", "Money contributed"),
    "contribution_hours_value": ("Bijdrage in uren (gewaardeerd)", "Hours contributed (valued)"),
    "driving_hires": ("Aannames drijvend", "Driving hires"),
    "hunting_hires": ("Aannames jagend", "Hunting hires"),
    "hires": ("Aannames", "Hires"),
    "open_vacancies": ("Open vacatures", "Open vacancies"),
    "own_driving_cost": ("Eigen kosten drijvend", "Own driving cost"),
    "counterfactual_cost": ("Kosten zonder samenwerking", "Counterfactual cost"),
    "cost_savings": ("Kostenbesparing", "Cost savings"),
    "days_saved": ("Dagen sneller", "Days saved"),
    "time_savings": ("Tijdsbesparing", "Time savings"),
    "gross_benefit": ("Bruto baat", "Gross benefit"),
    "deflators": ("Correcties (deadweight, attributie)", "Deflators (deadweight, attribution)"),
    "deflators_short": ("Correcties", "Deflators"),
    "benefit": ("Baat", "Benefit"),
    "net_benefit": ("Nettobaat", "Net benefit"),
    "roi": ("Rendement (ROI)", "Return (ROI)"),
    "cordon_integrity": ("Cordonintegriteit", "Cordon integrity"),
    "cost_and_time_savings": ("Kosten- en tijdsbesparing", "Cost and time savings"),
    "driving": ("Drijvend", "Driving"),
    "hunting": ("Jagend", "Hunting"),
    "driving_vs_hunting": ("Drijvend vs jagend", "Driving vs hunting"),
    "baseline_cost_per_hire": ("Nulmeting kosten per aanname", "Baseline cost per hire"),
    "driving_cost_per_hire": ("Kosten per aanname drijvend", "Cost per driving hire"),
    "programme_driving_cost_per_hire": (
        "Programma: kosten per aanname drijvend",
        "Programme: cost per driving hire",
    ),
    "hunting_cost_per_hire": ("Kosten per aanname jagend", "Cost per hunting hire"),
    "driving_time_to_fill": ("Doorlooptijd drijvend (dagen)", "Driving time to fill (days)"),
    "hunting_time_to_fill": ("Doorlooptijd jagend (dagen)", "Hunting time to fill (days)"),
    "contribution_hours": ("Bijdrage in uren", "Hours contributed"),
    "baseline_source": ("Bron nulmeting", "Baseline source"),
    "baseline_source_programme": ("programme.yaml", "programme.yaml"),
    "baseline_source_own_hunting": ("eigen jagende aannames", "own hunting hires"),
    "baseline_source_programme_median": ("mediaan van het programma", "programme median"),
    "baseline_source_none": ("geen", "none"),
    # charts
    "chart_hires_per_period": (
        "Aannames per kwartaal: drijvend en jagend",
        "Hires per quarter: driving and hunting",
    ),
    "chart_targets": ("Verwacht en werkelijk per doel", "Expected and actual per target"),
    "chart_hires_per_partner": (
        "Aannames per partner, drijvend en jagend",
        "Hires per partner, driving and hunting",
    ),
    "chart_sankey": ("Van kanaal via veld naar partner", "From channel through field to partner"),
    "chart_waterfall": (
        "Van bijdrage naar nettobaat, dit kwartaal",
        "From contribution to net benefit, this quarter",
    ),
    "chart_waterfall_cum": (
        "Van bijdrage naar nettobaat, cumulatief",
        "From contribution to net benefit, cumulative",
    ),
    "waterfall_note": (
        "Correcties: het deel van de baat dat er ook zonder samenwerking was gekomen (deadweight) "
        "of aan anderen toekomt (attributie).",
        "Deflators: the part of the benefit that would have come anyway (deadweight) or is owed to "
        "others (attribution).",
    ),
    "chart_cordon": ("Cordon: toezeggingen per partner", "Cordon: commitments per partner"),
    "chart_cordon_own": ("Cordon: uw toezeggingen per kwartaal", "Cordon: your commitments per quarter"),
    "chart_fair_share": ("Eerlijk delen", "Fair share"),
    "chart_fair_share_own": ("Uw aandeel door de tijd", "Your share over time"),
    "chart_joint_pot": ("Gezamenlijke pot", "Joint pot"),
    "chart_value": ("Bijdrage, baat en nettobaat", "Contribution, benefit and net benefit"),
    "chart_cost_per_hire": (
        "Kosten per aanname drijvend tegen de nulmeting",
        "Cost per driving hire against the baseline",
    ),
    "ratio_axis": ("% van verwacht", "% of expected"),
    "expected_line": ("verwacht (100%)", "expected (100%)"),
    "contribution_share": ("Aandeel in de bijdrage", "Share of contribution"),
    "benefit_share": ("Aandeel in de baat", "Share of benefit"),
    "equal_shares": ("gelijke verhouding", "equal shares"),
    "contributed": ("Ingelegd", "Contributed"),
    "spent": ("Uitgegeven", "Spent"),
    "balance": ("Saldo", "Balance"),
    "contributed_cum": ("Ingelegd cumulatief", "Contributed, cumulative"),
    "spent_cum": ("Uitgegeven cumulatief", "Spent, cumulative"),
    "net_benefit_cum": ("Nettobaat cumulatief", "Net benefit, cumulative"),
    "field": ("Veld", "Field"),
    "channel": ("Kanaal", "Channel"),
    # targets
    "target": ("Doel", "Target"),
    "scope": ("Bereik", "Scope"),
    "indicator": ("Indicator", "Indicator"),
    "expected": ("Verwacht", "Expected"),
    "actual": ("Werkelijk", "Actual"),
    "ratio": ("Werkelijk / verwacht", "Actual / expected"),
    "status": ("Status", "Status"),
    "status_met": ("gehaald", "met"),
    "status_at_risk": ("in gevaar", "at risk"),
    "status_behind": ("achter", "behind"),
    "programme": ("programma", "programme"),
    # cordon
    "commitment": ("Toezegging", "Commitment"),
    "commitment_money": ("Geld", "Money"),
    "commitment_hours": ("Uren", "Hours"),
    "commitment_task": ("Taak", "Task"),
    "committed": ("Toegezegd", "Committed"),
    "delivered": ("Geleverd", "Delivered"),
    "gap": ("Tekort", "Gap"),
    "status_kept": ("nagekomen", "kept"),
    "status_gap": ("tekort", "gap"),
    "status_no_submission": ("geen bestand", "no file"),
    "hours_unit": ("u", "h"),
    "times_unit": ("×", "×"),
    "kept_of_total": ("{kept} van {total} nagekomen", "{kept} of {total} kept"),
    # fair share
    "settlement": ("Verevening", "Settlement"),
    "share_gap": ("Verschil in aandeel", "Share gap"),
    "contribution_cum": ("Bijdrage cumulatief", "Contribution, cumulative"),
    "benefit_cum": ("Baat cumulatief", "Benefit, cumulative"),
    "settlement_note": (
        "Verevening: de overdracht die iedere partner het rendement van het programma geeft "
        "(positief = ontvangt, negatief = betaalt); samen nul.",
        "Settlement: the transfer that gives every partner the programme's return "
        "(positive = receives, negative = pays); they add up to zero.",
    ),
    # tables
    "partner": ("Partner", "Partner"),
    "file": ("Bestand", "File"),
    "row": ("Regel", "Row"),
    "column": ("Kolom", "Column"),
    "value": ("Waarde", "Value"),
    "rule": ("Regel (controle)", "Rule"),
    "message": ("Toelichting", "Message"),
    "figure": ("Cijfer", "Figure"),
    "kind": ("Soort", "Kind"),
    "rows": ("Regels", "Rows"),
    "accepted": ("Geaccepteerd", "Accepted"),
    "rejected": ("Afgewezen", "Rejected"),
    "superseded_by": ("Vervangen door", "Superseded by"),
    "sha256": ("SHA-256", "SHA-256"),
    "expectation": ("Verwachting", "Expectation"),
    "success": ("Geslaagd", "Success"),
    "unexpected_count": ("Afwijkend", "Unexpected"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    "vacancy_id": ("Vacature", "Vacancy"),
    "role": ("Functie", "Role"),
    "opened_on": ("Geopend op", "Opened on"),
    "filled_on": ("Vervuld op", "Filled on"),
    "cost": ("Kosten", "Cost"),
    "hours": ("Uren", "Hours"),
    "days_to_fill": ("Dagen tot vervulling", "Days to fill"),
    "vacancy_status_filled": ("vervuld", "filled"),
    "vacancy_status_open": ("open", "open"),
    "vacancies_shown_note": (
        "Hier staan uw openstaande vacatures en de vacatures die u in {period} vervulde; "
        "al uw vacatures staan in uw download:",
        "Shown here: your open vacancies and those you filled in {period}; "
        "every vacancy you reported is in your download:",
    ),
    "no_vacancies_shown": (
        "Geen openstaande vacatures en geen vacatures vervuld in {period}.",
        "No open vacancies, and none filled in {period}.",
    ),
    # sections
    "section_headlines": ("Kerncijfers", "Headlines"),
    "section_rejections": ("Afgewezen regels dit kwartaal", "Rejected rows this quarter"),
    "section_rejections_own": ("Uw afgewezen regels", "Your rejected rows"),
    "section_warnings": ("Waarschuwingen dit kwartaal", "Warnings this quarter"),
    "section_warnings_own": ("Waarschuwingen", "Warnings"),
    "section_files": ("Ontvangen bestanden dit kwartaal", "Files received this quarter"),
    "section_settlement": ("Verevening", "Settlement"),
    "section_own_figures": ("Uw cijfers en hun berekening", "Your figures and how they are computed"),
    "section_programme_totals": ("Totalen van het programma", "Programme totals"),
    "section_vacancies": ("Uw vacatures", "Your vacancies"),
    "section_downloads": ("Downloads", "Downloads"),
    "section_cordon_own": ("Uw cordon", "Your cordon"),
    "section_fair_share_own": ("Uw positie bij eerlijk delen", "Your fair-share position"),
    "section_targets": ("Doelen", "Targets"),
    "section_outcomes": ("Uitkomsten door de tijd", "Outcomes over time"),
    "section_methodology": ("Methode", "Methodology"),
    "section_manifest": ("Ontvangen invoer (manifest)", "Input manifest"),
    "section_validation": ("Validatie (Great Expectations)", "Validation (Great Expectations)"),
    "section_provenance": ("Herkomst", "Provenance"),
    "section_tables": ("Tabellen", "Tables"),
    "programme_hidden": (
        "Programmacijfers staan hier alleen als er minstens {n} andere partners zijn, "
        "zodat niemands cijfers uit het verschil af te leiden zijn.",
        "Programme figures appear here only when there are at least {n} other partners, "
        "so that nobody's figures can be worked out from the difference.",
    ),
    "formula": ("Berekening", "Formula"),
    "with_your_numbers": ("Met uw cijfers (dit kwartaal)", "With your numbers (this quarter)"),
    "percentage_points": ("%-punt", "pp"),
    "formula_contribution": (
        "bijdrage = geld + uren × uurtarief",
        "contribution = money + hours × hour rate",
    ),
    "formula_driving_hires": (
        "aantal vervulde vacatures via een drijvend kanaal",
        "number of vacancies filled through a driving channel",
    ),
    "formula_hunting_hires": (
        "aantal vervulde vacatures via een jagend kanaal",
        "number of vacancies filled through a hunting channel",
    ),
    "formula_own_driving_cost": (
        "Σ over drijvende aannames van (kosten + uren × uurtarief)",
        "Σ over driving hires of (cost + hours × hour rate)",
    ),
    "formula_counterfactual_cost": (
        "aannames drijvend × nulmeting kosten per aanname",
        "driving hires × baseline cost per hire",
    ),
    "formula_cost_savings": (
        "kosten zonder samenwerking − eigen kosten drijvend",
        "counterfactual cost − own driving cost",
    ),
    "formula_days_saved": (
        "Σ over drijvende aannames van (nulmeting doorlooptijd − dagen tot vervulling)",
        "Σ over driving hires of (baseline time to fill − days to fill)",
    ),
    "formula_time_savings": (
        "dagen sneller × kosten van een openstaande vacaturedag",
        "days saved × cost of one vacancy day",
    ),
    "formula_gross_benefit": ("kostenbesparing + tijdsbesparing", "cost savings + time savings"),
    "formula_benefit": (
        "bruto baat × (1 − deadweight) × (1 − attributie)",
        "gross benefit × (1 − deadweight) × (1 − attribution)",
    ),
    "formula_net_benefit": ("baat − bijdrage", "benefit − contribution"),
    "formula_roi": ("nettobaat ÷ bijdrage", "net benefit ÷ contribution"),
    "formula_cordon_integrity": (
        "nagekomen toezeggingen ÷ alle toezeggingen",
        "commitments kept ÷ all commitments",
    ),
    "download_csv": ("CSV", "CSV"),
    "download_parquet": ("Parquet", "Parquet"),
    "download_vacancies": ("Vacatures", "Vacancies"),
    "download_partner_period": ("Cijfers per kwartaal", "Figures per quarter"),
    "download_cordon": ("Cordon", "Cordon"),
    "download_fair_share": ("Eerlijk delen", "Fair share"),
    "download_rejections": ("Afgewezen regels", "Rejected rows"),
    "download_submissions": ("Ontvangen bestanden", "Files received"),
    "manifest_json": (
        "manifest.json (hashes van invoer en uitvoer)",
        "manifest.json (input and output hashes)",
    ),
    "code_version": ("Codeversie", "Code version"),
    "run_id": ("Run-id", "Run id"),
    "generated_at": ("Gemaakt op", "Generated at"),
    # audit trail: period status, the regisseur's decisions, restatements
    "status_final": ("Definitief", "Final"),
    "status_provisional": ("Voorlopig", "Provisional"),
    "period_final_detail": (
        "Definitief: goedgekeurd door {by} op {date}.",
        "Final: approved by {by} on {date}.",
    ),
    "period_provisional_detail": (
        "Voorlopig: de cijfers van dit kwartaal kunnen nog veranderen.",
        "Provisional: this quarter's figures may still change.",
    ),
    "period_reopened_detail": ("Heropend door {by} op {date}.", "Reopened by {by} on {date}."),
    "period_reason": ("Reden: {reason}", "Reason: {reason}"),
    "period_reason_before": (
        "Eerder heropend; reden: {reason}",
        "Reopened before; reason: {reason}",
    ),
    "accepted_rejections_detail": (
        "Afgewezen regels geaccepteerd: {n}.",
        "Rejected rows accepted: {n}.",
    ),
    "section_period_status": ("Status per kwartaal", "Status per quarter"),
    "period_status_note": (
        "Een kwartaal is definitief als de regisseur het heeft goedgekeurd; daarna veranderen de "
        "cijfers alleen na heropening, en elke verandering staat bij de herzieningen.",
        "A quarter is final once the regisseur has approved it; after that its figures change only "
        "when it is reopened, and every change is listed under restatements.",
    ),
    "section_decisions": ("Besluiten van de regisseur", "The regisseur's decisions"),
    "no_decisions": ("Nog geen besluiten.", "No decisions yet."),
    "seq": ("Nr.", "No."),
    "action": ("Besluit", "Decision"),
    "action_approve": ("goedgekeurd", "approved"),
    "action_reopen": ("heropend", "reopened"),
    "decided_by": ("Door", "By"),
    "decided_at": ("Op", "On"),
    "files": ("Bestanden", "Files"),
    "accepted_rejections": ("Afgewezen regels geaccepteerd", "Rejected rows accepted"),
    "reason": ("Reden", "Reason"),
    "section_restatements": ("Herzieningen", "Restatements"),
    "section_restatements_own": ("Uw herzieningen", "Your restatements"),
    "no_restatements": (
        "Geen herzieningen: geen gepubliceerd cijfer is veranderd.",
        "No restatements: no published figure has changed.",
    ),
    "restatements_note": (
        "Een herziening is een cijfer dat veranderde nadat het was gepubliceerd; nieuwste versie eerst.",
        "A restatement is a figure that changed after it had been published; newest version first.",
    ),
    "version": ("Versie", "Version"),
    "old_value": ("Was", "Was"),
    "new_value": ("Nu", "Now"),
    "change": ("Verschil", "Change"),
    "reason_file": ("Oorzaak (bestand)", "Cause (file)"),
    "restatement_reason_programme": (
        "programme.yaml of methode gewijzigd",
        "programme.yaml or method changed",
    ),
    "other_partner_file": ("bestand van een andere partner", "another partner's file"),
    "download_restatements": ("Herzieningen", "Restatements"),
    "formulas_note": (
        "Geldbedragen worden exact berekend en pas op deze pagina afgerond.",
        "Money is computed exactly and rounded only on this page.",
    ),
}


def translate(key: str, language: str, **values: object) -> str:
    """The label `key` in `language`, with `{name}` placeholders filled in."""
    nl, en = CATALOGUE[key]
    text = nl if language == "nl" else en
    return text.format(**values) if values else text


def _decimal(value: object) -> Decimal | None:
    if type(value) is Decimal:
        return value if value.is_finite() else None
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        # repr is the shortest text that reads back as the same float: 0.1 stays 0.1
        return Decimal(repr(value))
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# 1, 0.1, 0.01, ...: what a number is rounded to for 0, 1, 2, ... decimals
QUANTA = tuple(Decimal(1).scaleb(-decimals) for decimals in range(8))


def _plain(value: Decimal, language: str, decimals: int) -> tuple[bool, str]:
    """(is negative, the absolute value with grouping and the locale's decimal mark); Dutch swaps
    the English marks: 1,234.50 -> 1.234,50."""
    quantum = QUANTA[decimals] if 0 <= decimals < len(QUANTA) else Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    # after quantize, the format writes exactly `decimals` digits; a site formats ~10^6 numbers.
    # The sign is cut off the text (-0.00 too) rather than taken off the number, one Decimal less;
    # the text is digits, marks and that sign, so three replaces swap the marks (twice as fast as
    # str.translate).
    body = f"{rounded:,f}"
    if body[0] == "-":
        body = body[1:]
    if language == "nl":
        body = body.replace(",", " ").replace(".", ",").replace(" ", ".")
    return rounded < 0, body


def format_number(value: object, language: str, decimals: int = 0, signed: bool = False) -> str:
    """`1.234,5` (nl) or `1,234.5` (en); `signed` puts a `+` before positive values."""
    number = _decimal(value)
    if number is None:
        return MISSING
    negative, body = _plain(number, language, decimals)
    if negative:
        return "-" + body
    return ("+" + body) if signed and body.strip("0.,") else body


def format_money(
    value: object,
    language: str,
    currency: str = "EUR",
    decimals: int = 2,
    signed: bool = False,
) -> str:
    """`€ 1.234,50` and `€ -1.234,50` (nl); `€1,234.50` and `-€1,234.50` (en)."""
    number = _decimal(value)
    if number is None:
        return MISSING
    negative, body = _plain(number, language, decimals)
    symbol = CURRENCY_SYMBOLS.get(currency)
    sign = "-" if negative else ("+" if signed and body.strip("0.,") else "")
    if language == "nl":
        return f"{symbol or currency} {sign}{body}"
    if symbol:
        return f"{sign}{symbol}{body}"
    return f"{sign}{currency} {body}"


def format_percent(value: object, language: str, decimals: int = 0, signed: bool = False) -> str:
    """A fraction as a percentage: 0.125 -> `12,5%` (nl) or `12.5%` (en)."""
    number = _decimal(value)
    if number is None:
        return MISSING
    return format_number(number * 100, language, decimals, signed) + "%"


def format_date(value: object, language: str) -> str:
    """`31 mrt 2026` (nl) or `31 Mar 2026` (en); ISO text is accepted too."""
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if not isinstance(value, date):
        return str(value)
    return f"{value.day} {MONTHS[language][value.month - 1]} {value.year}"


@dataclass(frozen=True)
class Locale:
    """A page's language and currency, with the formatters bound to them."""

    language: str
    currency: str = "EUR"

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")

    def t(self, key: str, **values: object) -> str:
        return translate(key, self.language, **values)

    def money(self, value: object, decimals: int = 2, signed: bool = False) -> str:
        return format_money(value, self.language, self.currency, decimals, signed)

    def number(self, value: object, decimals: int = 0, signed: bool = False) -> str:
        return format_number(value, self.language, decimals, signed)

    def percent(self, value: object, decimals: int = 0, signed: bool = False) -> str:
        return format_percent(value, self.language, decimals, signed)

    def date(self, value: object) -> str:
        return format_date(value, self.language)

    @property
    def symbol(self) -> str:
        return CURRENCY_SYMBOLS.get(self.currency, self.currency)

    @property
    def plotly_separators(self) -> str:
        """Plotly's `layout.separators`: the decimal mark, then the thousands separator."""
        return ",." if self.language == "nl" else ".,"

    @property
    def money_tick_prefix(self) -> str:
        return f"{self.symbol} " if self.language == "nl" or self.symbol == self.currency else self.symbol
