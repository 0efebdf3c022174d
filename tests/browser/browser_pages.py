"""One page of every type of the built sample site, for checks that visit them all."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def sample_identities() -> list[str]:
    """Identities ``state/slug`` of the sample records, in file order."""
    return [f"{path.parent.name}/{path.stem}" for path in sorted(ROOT.glob("samples/*/*.yaml"))]


def page_types() -> dict[str, str]:
    """Page type -> path below the site's root, in English and in Spanish."""
    english = english_page_types()
    spanish = {f"{name} (es)": f"es/{path}" for name, path in english.items()}
    spanish["search (es)"] = "es/search/#q=infusión"
    return {**english, **spanish}


def english_page_types() -> dict[str, str]:
    first, second = sample_identities()[:2]
    return {
        "home": "",
        "clinics list": "clinics/",
        "second list page": "clinics/page/2/",
        "state": f"clinics/{first.split('/')[0]}/",
        "clinic": f"clinics/{first}/",
        "map": "map/",
        "compare": f"compare/?c={first},{second}",
        "search": "search/#q=infusion",
        "guide index": "guide/",
        "guide page": "guide/routes/",
        "about": "about/",
        "data": "data/",
        "changes": "changes/",
        "privacy": "privacy/",
        "404": "404.html",
    }
