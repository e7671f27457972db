"""The ways an article may write a number, a date or a duration (for the evidence tests)."""

from __future__ import annotations

import calendar
import re

WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
ORDINAL_WORDS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]
SCALES = ((1_000_000, "million"), (1_000, "thousand"))


def number_forms(value: float) -> set[str]:
    """Digits with and without separators, and words ("two million", "three thousand")."""
    forms = {f"{value:g}"}
    if value == int(value):
        n = int(value)
        forms |= {str(n), f"{n:,}"}
        if n < len(WORDS):
            forms.add(WORDS[n])
        for scale, word in SCALES:
            if n >= scale and n % scale == 0:
                head = n // scale
                forms.add(f"{head} {word}")
                if head < len(WORDS):
                    forms.add(f"{WORDS[head]} {word}")
    return forms


def ordinal_forms(n: int) -> set[str]:
    """ "5th", "fifth", "18th", "40th"…"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    forms = {f"{n}{suffix}"}
    if n < len(ORDINAL_WORDS):
        forms.add(ORDINAL_WORDS[n])
    return forms


def date_parts(lexical: str) -> list[set[str]]:
    """For a date, year-month or year: groups of which one member each must appear."""
    parts = lexical.split("-")
    groups: list[set[str]] = [{parts[0]}]
    if len(parts) >= 2:
        month = int(parts[1])
        groups.append({calendar.month_name[month], calendar.month_abbr[month] + "."})
    if len(parts) >= 3:
        groups.append({str(int(parts[2]))})
    return groups


def duration_forms(lexical: str) -> set[str]:
    """ "P5Y" as "five-year", "5-year", "five years"…"""
    match = re.fullmatch(r"P(\d+)Y", lexical)
    if not match:
        return {lexical}
    n = int(match.group(1))
    if n == 1:
        return {"annual", "yearly", "every year", "one-year", "1-year"}
    heads = {str(n)} | ({WORDS[n]} if n < len(WORDS) else set())
    return {f"{h}{sep}{unit}" for h in heads for sep in ("-", " ") for unit in ("year", "years")}
