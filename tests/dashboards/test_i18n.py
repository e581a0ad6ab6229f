"""Number, money and date formatting per locale, and the label catalogue."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from dashboards.i18n import (
    CATALOGUE,
    Locale,
    format_date,
    format_money,
    format_number,
    format_percent,
    translate,
)


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (Decimal("1234.5"), "nl", "€ 1.234,50"),
        (Decimal("1234.5"), "en", "€1,234.50"),
        (Decimal("-1234.5"), "nl", "€ -1.234,50"),
        (Decimal("-1234.5"), "en", "-€1,234.50"),
        (Decimal("0"), "nl", "€ 0,00"),
        (Decimal("987654.32"), "nl", "€ 987.654,32"),
        (Decimal("987654.32"), "en", "€987,654.32"),
        (Decimal("1234567890.12"), "nl", "€ 1.234.567.890,12"),
        (Decimal("999.995"), "en", "€1,000.00"),
        (Decimal("0.005"), "nl", "€ 0,01"),
        (Decimal("-0.004"), "nl", "€ 0,00"),
        (12, "en", "€12.00"),
        (None, "nl", "–"),
    ],
)
def test_money_is_written_the_locale_way(value: object, language: str, expected: str) -> None:
    assert format_money(value, language) == expected


def test_money_rounds_half_up_only_for_display() -> None:
    # 2.345 is exact as a Decimal: half up gives 2.35 (banker's rounding would give 2.34)
    assert format_money(Decimal("2.345"), "en") == "€2.35"
    assert format_money(Decimal("2.5"), "nl", decimals=0) == "€ 3"
    assert format_money(Decimal("987654.32"), "nl", decimals=0) == "€ 987.654"
    assert format_money(Decimal("987654.32"), "en", decimals=0) == "€987,654"
    # a float goes through its shortest text, so 2.675 is taken as written, not as 2.67499999...
    assert format_money(2.675, "en") == "€2.68"


def test_money_signs_and_other_currencies() -> None:
    assert format_money(Decimal("1225"), "nl", decimals=0, signed=True) == "€ +1.225"
    assert format_money(Decimal("1225"), "en", decimals=0, signed=True) == "+€1,225"
    assert format_money(Decimal("0"), "en", signed=True) == "€0.00"
    assert format_money(Decimal("1234.5"), "en", currency="USD") == "$1,234.50"
    assert format_money(Decimal("1234.5"), "en", currency="CHF") == "CHF 1,234.50"
    assert format_money(Decimal("1234.5"), "nl", currency="CHF") == "CHF 1.234,50"


@pytest.mark.parametrize(
    ("value", "language", "decimals", "expected"),
    [
        (1234567, "nl", 0, "1.234.567"),
        (1234567, "en", 0, "1,234,567"),
        (Decimal("1234.56"), "nl", 1, "1.234,6"),
        (Decimal("1234.56"), "en", 1, "1,234.6"),
        (-4321, "nl", 0, "-4.321"),
        (999, "en", 0, "999"),
        (0, "nl", 2, "0,00"),
        (float("nan"), "nl", 0, "–"),
    ],
)
def test_numbers(value: object, language: str, decimals: int, expected: str) -> None:
    assert format_number(value, language, decimals) == expected


def test_percentages_and_signed_numbers() -> None:
    assert format_percent(0.125, "nl", 1) == "12,5%"
    assert format_percent(0.125, "en", 1) == "12.5%"
    assert format_percent(Decimal("-1.5"), "nl") == "-150%"
    assert format_percent(None, "en") == "–"
    assert format_number(7, "nl", signed=True) == "+7"
    assert format_number(-7, "nl", signed=True) == "-7"
    assert format_number(0, "nl", signed=True) == "0"


def test_dates() -> None:
    assert format_date(date(2026, 3, 31), "nl") == "31 mrt 2026"
    assert format_date(date(2026, 5, 1), "en") == "1 May 2026"
    assert format_date("2026-10-02", "nl") == "2 okt 2026"
    assert format_date(None, "nl") == "–"


def test_locale_binds_language_and_currency() -> None:
    nl, en = Locale("nl"), Locale("en")
    assert nl.money(Decimal("1234.5")) == "€ 1.234,50"
    assert en.money(Decimal("1234.5")) == "€1,234.50"
    assert nl.t("net_benefit") == "Nettobaat"
    assert en.t("net_benefit") == "Net benefit"
    assert nl.plotly_separators == ",."
    assert en.plotly_separators == ".,"
    assert nl.money_tick_prefix == "€ "
    assert en.money_tick_prefix == "€"
    with pytest.raises(ValueError, match="language"):
        Locale("de")


def test_every_label_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, (nl, en) in CATALOGUE.items():
        assert nl.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", nl)) == set(re.findall(r"{(\w+)}", en)), key


def test_translate_fills_placeholders_and_refuses_unknown_keys() -> None:
    assert translate("kept_of_total", "nl", kept=9, total=12) == "9 van 12 nagekomen"
    assert translate("kept_of_total", "en", kept=9, total=12) == "9 of 12 kept"
    with pytest.raises(KeyError):
        translate("no_such_label", "nl")
