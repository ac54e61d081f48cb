"""Write a large synthetic codebase for the scanner benchmark.

The tree is a grocery company's monorepo in miniature: many services in ten
file types, everyday words (``quantity``, ``unit``, ``currency``) used in code
that has nothing to do with Instacart, a few hundred planted uses of
deprecated items taken from ``tests/fixtures/codebases/targets.json``, decoys
that only look like them, and the clutter a real checkout carries (vendored
packages, minified bundles, binaries, ignored logs). Same seed, same bytes.

    python bench/gen_tree.py DEST [--files 20000] [--lines 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = REPO / "tests" / "fixtures" / "codebases" / "targets.json"

# Share of files per type; the weights follow a typical polyglot backend repo.
LANGUAGES = {
    "py": 25,
    "java": 11,
    "kt": 6,
    "go": 12,
    "js": 10,
    "ts": 12,
    "sh": 4,
    "json": 7,
    "yaml": 7,
    "md": 6,
}
PLANT_RATE = 0.015  # files that get one real use of a deprecated item
DECOY_RATE = 0.04  # files that get a look-alike that must not be reported

NOUNS = [
    "order",
    "basket",
    "cart",
    "item",
    "product",
    "store",
    "shopper",
    "batch",
    "route",
    "slot",
    "price",
    "promotion",
    "coupon",
    "invoice",
    "refund",
    "customer",
    "address",
    "warehouse",
    "inventory",
    "aisle",
    "shelf",
    "barcode",
    "receipt",
    "payment",
    "carrier",
    "shipment",
    "picker",
    "tote",
]
VERBS = [
    "load",
    "save",
    "build",
    "apply",
    "compute",
    "merge",
    "check",
    "update",
    "sync",
    "fetch",
    "render",
    "split",
]
GROCERY_WORDS = [
    "quantity",
    "unit",
    "currency",
    "weight",
    "total",
    "count",
    "label",
]  # everyday, not Instacart
SERVICES = [
    "checkout",
    "pricing",
    "catalog",
    "loyalty",
    "search",
    "fulfilment",
    "payments",
    "notifications",
    "inventory",
    "returns",
    "analytics",
    "promotions",
    "partners",
    "storefront",
    "routing",
]


@dataclass(frozen=True, slots=True)
class TreeStats:
    files: int
    lines: int
    bytes: int
    planted: int
    decoys: int


def _camel(words: list[str]) -> str:
    return words[0] + "".join(w.title() for w in words[1:])


class Writer:
    """Makes the text of one file in one language from a seeded random source."""

    def __init__(self, rng: random.Random, endpoints: list[tuple[str, str]]) -> None:
        self.rng = rng
        self.endpoints = endpoints

    def words(self, count: int = 2) -> list[str]:
        return [self.rng.choice(NOUNS + VERBS) for _ in range(count)]

    def name(self) -> str:
        return "_".join(self.words(2))

    def field(self) -> str:
        pool = NOUNS + GROCERY_WORDS
        return self.rng.choice(pool) + "_" + self.rng.choice(("id", "count", "total", "code"))

    # --- ordinary code, per language -------------------------------------------------

    def python(self) -> list[str]:
        fn, arg, other = self.name(), self.rng.choice(NOUNS), self.field()
        word = self.rng.choice(GROCERY_WORDS)
        return [
            f"def {fn}({arg}, {other}=None):",
            f'    """{self.rng.choice(VERBS).title()} the {arg} before it is stored."""',
            f"    {word} = {arg}.get('{word}', 0)",
            f"    if {other} is None:",
            f"        {other} = len({arg}.get('lines', []))",
            f"    result = {{'{arg}': {arg}['id'], '{word}': {word} * {self.rng.randint(1, 9)}}}",
            f"    log.debug('{fn} %s', result)",
            "    return result",
            "",
        ]

    def java(self) -> list[str]:
        fn, arg = _camel(self.words(2)), self.rng.choice(NOUNS)
        word = self.rng.choice(GROCERY_WORDS)
        return [
            f"    public {arg.title()}Summary {fn}({arg.title()} {arg}) {{",
            f"        int {word} = {arg}.get{word.title()}();",
            f"        if ({word} > {self.rng.randint(2, 50)}) {{",
            f'            LOG.info("large {arg}: {{}}", {arg}.getId());',
            "        }",
            f"        return new {arg.title()}Summary({arg}.getId(), {word});",
            "    }",
            "",
        ]

    def kotlin(self) -> list[str]:
        fn, arg = _camel(self.words(2)), self.rng.choice(NOUNS)
        word = self.rng.choice(GROCERY_WORDS)
        return [
            f"    fun {fn}({arg}: {arg.title()}): Int {{",
            f"        val {word} = {arg}.{word} ?: 0",
            f"        return if ({word} > {self.rng.randint(2, 40)}) {word} else -1",
            "    }",
            "",
        ]

    def go(self) -> list[str]:
        fn, arg = _camel(self.words(2)).title(), self.rng.choice(NOUNS)
        word = self.rng.choice(GROCERY_WORDS)
        return [
            f"// {fn} {self.rng.choice(VERBS)}s the {arg} for the nightly job.",
            f"func {fn}({arg} *{arg.title()}) (int, error) {{",
            f"\tif {arg} == nil {{",
            f'\t\treturn 0, fmt.Errorf("no {arg}")',
            "\t}",
            f"\t{word} := {arg}.{word.title()} * {self.rng.randint(1, 9)}",
            f"\treturn {word}, nil",
            "}",
            "",
        ]

    def javascript(self) -> list[str]:
        fn, arg = _camel(self.words(2)), self.rng.choice(NOUNS)
        word = self.rng.choice(GROCERY_WORDS)
        return [
            f"export function {fn}({arg}) {{",
            f"  const {word} = {arg}.{word} ?? 0;",
            f"  if (!{arg}.id) throw new Error('missing {arg} id');",
            f"  return {{ id: {arg}.id, {word}, tag: '{self.name()}' }};",
            "}",
            "",
        ]

    def shell(self) -> list[str]:
        fn = self.name()
        return [
            f"{fn}() {{",
            f'  local target="${{1:-{self.rng.choice(SERVICES)}}}"',
            f'  echo "running {fn} for $target"',
            f'  ./gradlew ":$target:{self.rng.choice(VERBS)}" --quiet',
            "}",
            "",
        ]

    def json_lines(self) -> list[str]:
        key = self.rng.choice(NOUNS)
        word = self.rng.choice(GROCERY_WORDS)
        return [
            f'  "{key}_{self.rng.randint(0, 999)}": {{',
            f'    "{word}": {self.rng.randint(0, 500)},',
            f'    "label": "{" ".join(self.words(3))}"',
            "  },",
        ]

    def yaml_lines(self) -> list[str]:
        key = self.rng.choice(NOUNS)
        return [
            f"{key}_{self.rng.randint(0, 999)}:",
            f"  {self.rng.choice(GROCERY_WORDS)}: {self.rng.randint(0, 500)}",
            f"  owner: team-{self.rng.choice(SERVICES)}",
            f"  enabled: {self.rng.choice(('true', 'false'))}",
        ]

    def markdown(self) -> list[str]:
        a, b, c = self.words(3)
        return [
            f"## {a.title()} {b}",
            "",
            f"The {a} step {b}s every {c} before the {self.rng.choice(NOUNS)} is saved.",
            f"Set `{self.field()}` in the service config to tune the {c} {a}.",
            "",
        ]


# --- planted uses and decoys ------------------------------------------------------------


def _fill(path: str, style: str) -> str:
    """Put a language's placeholders into a path template."""
    if style == "js":
        return re.sub(r"\{(\w+)\}", lambda m: "${" + _camel(m[1].split("_")) + "}", path)
    if style == "go":
        return re.sub(r"\{\w+\}", "%s", path)
    if style == "shell":
        return re.sub(r"\{(\w+)\}", lambda m: "$" + m[1].upper(), path)
    return path


def _args(path: str) -> str:
    return ", ".join(_camel(p.split("_")) for p in re.findall(r"\{(\w+)\}", path))


PLANTS: dict[str, Callable[[str, str], list[str]]] = {
    "py": lambda m, p: [
        "def call_instacart(session, base_url, **ids):",
        f'    return session.request("{m}", f"{{base_url}}{p}".format(**ids))',
        "",
    ],
    "js": lambda m, p: [
        "export async function callInstacart(baseUrl, ids) {",
        f"  const {{ {_args(p) or 'unused'} }} = ids;",
        f'  return fetch(`${{baseUrl}}{_fill(p, "js")}`, {{ method: "{m}" }});',
        "}",
        "",
    ],
    "go": lambda m, p: [
        "func callInstacart(baseURL string, ids ...any) (*http.Request, error) {",
        f'\turl := baseURL + fmt.Sprintf("{_fill(p, "go")}", ids...)',
        f'\treturn http.NewRequest("{m}", url, nil)',
        "}",
        "",
    ],
    "java": lambda m, p: [
        "    public Mono<String> callInstacart(Object... ids) {",
        f'        return instacart.method(HttpMethod.{m}).uri("{p}", ids)',
        "            .retrieve().bodyToMono(String.class);",
        "    }",
        "",
    ],
    "sh": lambda m, p: [
        f'curl -sS -X {m} "$INSTACART_BASE_URL{_fill(p, "shell")}" \\',
        '  -H "Authorization: Bearer $INSTACART_TOKEN"',
        "",
    ],
    "yaml": lambda m, p: [
        "instacart_call:",
        f"  method: {m}",
        f"  path: {p}",
    ],
}
PLANTS["ts"] = PLANTS["js"]
PLANTS["kt"] = PLANTS["java"]

FIELD_PLANTS: dict[str, list[str]] = {
    "py": [
        "def shopping_list_line(item):",
        "    # body for the Instacart products_link call",
        '    return {"name": item.name, "quantity": item.qty, "unit": "each"}',
        "",
    ],
    "ts": [
        "export interface InstacartLineItem {",
        "  name: string;",
        "  quantity: number;",
        "  unit: string;",
        "}",
        "",
    ],
    "json": [
        '  "instacart_order": {',
        '    "user_phone": "+15550100",',
        '    "is_express": true',
        "  },",
    ],
}

DECOYS: dict[str, list[str]] = {
    "py": [
        "def live_delivery_url(base_url, user_id):",
        '    return f"{base_url}/v2/fulfillment/users/{user_id}/orders/delivery"',
        "",
    ],
    "go": [
        "// priority applies asap to the warehouse pick queue, not to any API.",
        'const priority = "asap"',
        "",
    ],
    "js": [
        "export function toUnits(line) {",
        "  return { quantity: line.quantity, unit: line.unit || 'kg' };",
        "}",
        "",
    ],
    "md": ["Use `/v2/fulfillment/users/{user_id}/orders/{order_id}` to read one order.", ""],
}

HEADERS: dict[str, Callable[[Writer, str], list[str]]] = {
    "py": lambda w, s: [f'"""{s.title()} helpers."""', "", "import logging", "", ""],
    "java": lambda w, s: [f"package com.grocer.{s};", "", f"public class {w.name().title()} {{"],
    "kt": lambda w, s: [f"package com.grocer.{s}", "", f"class {_camel(w.words(2)).title()} {{"],
    "go": lambda w, s: [f"package {s}", "", 'import "fmt"', ""],
    "js": lambda w, s: [f"// {s} module", ""],
    "ts": lambda w, s: [f"// {s} module", 'import type { Order } from "./types";', ""],
    "sh": lambda w, s: ["#!/usr/bin/env bash", "set -euo pipefail", ""],
    "json": lambda w, s: ["{"],
    "yaml": lambda w, s: [f"# settings for {s}", ""],
    "md": lambda w, s: [f"# {s.title()} notes", ""],
}
FOOTERS = {"java": ["}"], "kt": ["}"], "json": ['  "end": true', "}"]}


def _body(writer: Writer, ext: str) -> Callable[[], list[str]]:
    return {
        "py": writer.python,
        "java": writer.java,
        "kt": writer.kotlin,
        "go": writer.go,
        "js": writer.javascript,
        "ts": writer.javascript,
        "sh": writer.shell,
        "json": writer.json_lines,
        "yaml": writer.yaml_lines,
        "md": writer.markdown,
    }[ext]


def _endpoints() -> list[tuple[str, str]]:
    records = json.loads(TARGETS.read_text())["records"] if TARGETS.exists() else []
    found = []
    for record in records:
        if record["kind"] == "endpoint":
            for item in record["items"]:
                method, _, path = item.partition(" ")
                found.append((method, path))
    return found or [("POST", "/v2/fulfillment/lastmile/users/{user_id}/orders")]


def _one_file(writer: Writer, ext: str, service: str, lines: int) -> tuple[list[str], int, int]:
    rng = writer.rng
    text = HEADERS[ext](writer, service)
    make = _body(writer, ext)
    planted = decoys = 0
    extra: list[str] = []
    if rng.random() < PLANT_RATE:
        if ext in PLANTS and rng.random() < 0.7:
            extra = PLANTS[ext](*rng.choice(writer.endpoints))
        elif ext in FIELD_PLANTS:
            extra = FIELD_PLANTS[ext]
        planted = int(bool(extra))
    elif rng.random() < DECOY_RATE and ext in DECOYS:
        extra, decoys = DECOYS[ext], 1
    while len(text) + len(extra) < lines:
        text += make()
    if extra:
        at = rng.randint(len(HEADERS[ext](writer, service)), len(text))
        at = at if ext != "json" else len(text)  # keep the object well formed
        text[at:at] = extra
    return text + FOOTERS.get(ext, []), planted, decoys


def _clutter(dest: Path, rng: random.Random) -> None:
    """Files every real checkout has and the walker must leave out."""
    (dest / ".gitignore").write_text("*.log\ntmp/\n")
    for index in range(40):
        service = SERVICES[index % len(SERVICES)]
        vendored = dest / "services" / service / "node_modules" / f"pkg{index}"
        vendored.mkdir(parents=True, exist_ok=True)
        (vendored / "index.js").write_text("module.exports = { quantity: 1, unit: 'x' };\n" * 30)
        bundle = dest / "services" / service / "web" / f"app{index}.min.js"
        bundle.parent.mkdir(parents=True, exist_ok=True)
        bundle.write_text("var a=1;" * 2000 + "\n")
        (dest / "services" / service / f"debug{index}.log").write_text("quantity=1\n" * 50)
        (dest / "services" / service / f"logo{index}.png").write_bytes(rng.randbytes(512))


def generate(dest: Path, files: int = 20_000, lines: int = 1_000_000, seed: int = 7) -> TreeStats:
    """Write the tree under ``dest``; the same arguments always give the same bytes."""
    rng = random.Random(seed)
    writer = Writer(rng, _endpoints())
    exts = list(LANGUAGES)
    weights = list(LANGUAGES.values())
    per_file = max(5, lines // files - 3)  # blocks overshoot the target by a few lines
    total_lines = total_bytes = planted = decoys = 0
    for index in range(files):
        ext = rng.choices(exts, weights)[0]
        service = SERVICES[index % len(SERVICES)]
        folder = dest / "services" / service / f"mod{index // 200:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        target = rng.randint(per_file // 2, per_file * 3 // 2)
        text, got_plant, got_decoy = _one_file(writer, ext, service, target)
        body = "\n".join(text) + "\n"
        (folder / f"{writer.name()}_{index}.{ext}").write_text(body)
        total_lines += len(text)
        total_bytes += len(body)
        planted += got_plant
        decoys += got_decoy
    _clutter(dest, rng)
    return TreeStats(files, total_lines, total_bytes, planted, decoys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.dest.mkdir(parents=True, exist_ok=True)
    stats = generate(args.dest, args.files, args.lines, args.seed)
    print(
        f"files {stats.files}, lines {stats.lines}, bytes {stats.bytes}, "
        f"planted {stats.planted}, decoys {stats.decoys}"
    )


if __name__ == "__main__":
    main()
