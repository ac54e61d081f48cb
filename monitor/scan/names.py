"""Naming helpers: spelling variants, name normalisation and ordinary-word checks."""

from __future__ import annotations

import re
from functools import lru_cache

# Field names that are ordinary enough to appear in unrelated code even though
# they contain an underscore.
COMMON_COMPOUND_NAMES = frozenset(
    {
        "phone_number",
        "first_name",
        "last_name",
        "user_id",
        "order_id",
        "created_at",
        "updated_at",
        "display_text",
        "postal_code",
        "zip_code",
        "store_id",
        "item_id",
        "product_id",
        "unit_price",
        "total_price",
        "email_address",
    }
)
_WRAPPER_SUFFIXES = (
    "request",
    "response",
    "dto",
    "model",
    "payload",
    "body",
    "data",
    "input",
    "params",
    "entity",
    "schema",
    "json",
    "type",
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_FILLER = frozenset(
    {
        "use",
        "the",
        "instead",
        "field",
        "object",
        "and",
        "with",
        "for",
        "or",
        "new",
        "in",
        "of",
        "a",
        "an",
        "to",
        "array",
        "value",
        "values",
    }
)


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def pascal_case(name: str) -> str:
    camel = camel_case(name)
    return camel[:1].upper() + camel[1:]


def snake_case(name: str) -> str:
    return _CAMEL_HUMP.sub("_", name).lower()


def name_variants(name: str) -> tuple[str, ...]:
    camel = camel_case(name)
    return (name,) if camel == name else (name, camel)


def is_distinctive(name: str) -> bool:
    """Compound names rarely collide with unrelated code; single words often do."""
    compound = "_" in name or bool(re.search(r"[a-z][A-Z]", name))
    return compound and name.lower() not in COMMON_COMPOUND_NAMES


def norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def strip_suffixes(normalised: str) -> str:
    for suffix in _WRAPPER_SUFFIXES:
        if normalised.endswith(suffix) and len(normalised) > len(suffix) + 2:
            return normalised[: -len(suffix)]
    return normalised


@lru_cache(maxsize=8192)  # pure, and asked again for every field under the same key
def names_owner(name: str, owner: str) -> bool:
    """Whether a class, key or call name refers to ``owner`` (``line_items`` -> LineItem)."""
    n, o = strip_suffixes(norm(name)), norm(owner)
    return n in (o, o + "s", o + "list") or n.endswith((o, o + "s"))


@lru_cache(maxsize=8192)
def names_replacement(name: str, replacements: tuple[str, ...]) -> bool:
    """Whether a name refers to the replacement.

    ``LineItemMeasurement`` and ``measurements`` both refer to line_item_measurements.
    """
    n = strip_suffixes(norm(name))
    if len(n) < 4:
        return False
    for replacement in replacements:
        r = norm(replacement)
        singular = r[:-1] if r.endswith("s") else r
        if n in (r, singular) or (len(n) >= 6 and (r.endswith(n) or singular.endswith(n))):
            return True
    return False


def replacement_names(replacement: str | None) -> tuple[str, ...]:
    """Identifiers named in a replacement text, skipping filler words."""
    if not replacement:
        return ()
    found = [w for w in _IDENT.findall(replacement) if w.lower() not in _FILLER and len(w) > 2]
    if re.search(r"\s/", replacement):  # an endpoint replacement: its names are path words
        return ()
    return tuple(dict.fromkeys(found))
