"""Sourcing countries: canonical English names, the other ways supplier lists write them, and ISO codes."""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

from csrdesk.domain.text import clean_text

# Canonical English name -> other ways supplier lists write it (ISO codes included). Anything else is title-cased.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "China": ("CN", "CHN", "PRC", "P.R. China", "P R China", "PR China", "People's Republic of China", "Mainland China",
              "China Mainland", "中国", "中华人民共和国", "中国大陆"),
    "Hong Kong": ("HK", "HKG", "Hong Kong SAR", "Hong Kong SAR China", "Hong Kong China", "HongKong", "香港"),
    "Macao": ("MO", "MAC", "Macau", "澳门"),
    "Taiwan": ("TW", "TWN", "Taiwan ROC", "Taiwan Province of China", "Chinese Taipei", "台湾"),
    "Bangladesh": ("BD", "BGD", "孟加拉", "孟加拉国"),
    "Vietnam": ("VN", "VNM", "Viet Nam", "Socialist Republic of Vietnam", "越南"),
    "India": ("IN", "IND", "印度"),
    "Pakistan": ("PK", "PAK", "巴基斯坦"),
    "Sri Lanka": ("LK", "LKA", "斯里兰卡"),
    "Cambodia": ("KH", "KHM", "Kampuchea", "柬埔寨"),
    "Myanmar": ("MM", "MMR", "Burma", "缅甸"),
    "Laos": ("LA", "LAO", "Lao PDR", "Lao People's Democratic Republic", "老挝"),
    "Thailand": ("TH", "THA", "泰国"),
    "Malaysia": ("MY", "MYS", "马来西亚"),
    "Indonesia": ("ID", "IDN", "印度尼西亚", "印尼"),
    "Philippines": ("PH", "PHL", "The Philippines", "菲律宾"),
    "Nepal": ("NP", "NPL",),
    "South Korea": ("KR", "KOR", "Korea", "Republic of Korea", "Korea Republic of", "Korea South", "韩国"),
    "Japan": ("JP", "JPN", "日本"),
    "Türkiye": ("TR", "TUR", "Turkey", "Turkiye", "Republic of Turkey", "Republic of Türkiye", "土耳其"),
    "Mexico": ("MX", "MEX", "México", "墨西哥"),
    "Guatemala": ("GT", "GTM"),
    "Honduras": ("HN", "HND"),
    "El Salvador": ("SV", "SLV"),
    "Nicaragua": ("NI", "NIC"),
    "Dominican Republic": ("DO", "DOM"),
    "Haiti": ("HT", "HTI"),
    "Colombia": ("CO", "COL"),
    "Peru": ("PE", "PER", "Perú"),
    "Brazil": ("BR", "BRA", "Brasil", "巴西"),
    "Egypt": ("EG", "EGY"),
    "Morocco": ("MA", "MAR"),
    "Tunisia": ("TN", "TUN"),
    "Jordan": ("JO", "JOR"),
    "Ethiopia": ("ET", "ETH"),
    "Kenya": ("KE", "KEN"),
    "Madagascar": ("MG", "MDG"),
    "Mauritius": ("MU", "MUS"),
    "Lesotho": ("LS", "LSO"),
    "Portugal": ("PT", "PRT"),
    "Italy": ("IT", "ITA", "Italia", "意大利"),
    "Spain": ("ES", "ESP", "España"),
    "Romania": ("RO", "ROU"),
    "Bulgaria": ("BG", "BGR"),
    "Poland": ("PL", "POL"),
    "Germany": ("DE", "DEU", "Deutschland", "德国"),
    "United Kingdom": ("GB", "GBR", "UK", "U.K.", "Great Britain", "England", "英国"),
    "United States": ("US", "USA", "U.S.", "U.S.A.", "United States of America", "America", "美国"),
    "New Zealand": ("NZ", "NZL"),
    "Australia": ("AU", "AUS"),
    "Uzbekistan": ("UZ", "UZB"),
}


def iso_code(country: str) -> Optional[str]:
    """The two-letter ISO code of a canonical country name (China -> CN), or None when csrdesk does not know it."""
    aliases = COUNTRIES.get(country)
    return aliases[0] if aliases else None


_SMALL_WORDS = {"and", "of", "the", "da", "de", "del", "du"}


def _country_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("&", " and ")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


_COUNTRY_INDEX = {_country_key(alias): name for name, aliases in COUNTRIES.items() for alias in (name, *aliases)}


def normalise_country(text: str) -> str:
    """A country as csrdesk stores it: 'CHINA', 'cn' and 'P.R. China' all become 'China'; 'VIET NAM' 'Vietnam'."""
    cleaned = clean_text(text or "").strip(" .,;:-")
    if not cleaned:
        return ""
    known = _COUNTRY_INDEX.get(_country_key(cleaned))
    if known:
        return known
    words = cleaned.split()
    if cleaned.isupper() or cleaned.islower():
        titled = [w.lower() if i and w.lower() in _SMALL_WORDS else w[:1].upper() + w[1:].lower() for i, w in enumerate(words)]
        return " ".join(titled)
    return cleaned


def known_country(text: str) -> Optional[str]:
    """The canonical name of a country csrdesk knows, written any of the ways supplier lists write it ('cn',
    'P.R. China' -> 'China'); None for anything else ('Chin', 'Ghana')."""
    cleaned = clean_text(text or "").strip(" .,;:-")
    return _COUNTRY_INDEX.get(_country_key(cleaned)) if cleaned else None


def countries_like(text: str, limit: int = 3) -> list[str]:
    """Known countries the text may have meant: those whose name (or another way of writing it) starts with it
    ('Chin' -> China), else those one slip of typing away ('Chian' -> China, 'Bangladseh' -> Bangladesh)."""
    key = _country_key(clean_text(text or ""))
    if len(key) < 2:
        return []
    starts = [name for alias, name in _COUNTRY_INDEX.items() if len(alias) > 3 and alias.startswith(key)]
    if not starts:
        starts = [name for alias, name in _COUNTRY_INDEX.items()
                  if len(alias) > 3 and abs(len(alias) - len(key)) <= 1 and _one_slip(alias, key)]
    return list(dict.fromkeys(starts))[:limit]


def _one_slip(a: str, b: str) -> bool:
    """True when two words differ by one letter added, dropped or changed, or two neighbours swapped."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


# Rough boxes (south, north, west, east) around the main sourcing countries, to catch coordinates that are surely
# wrong (a factory "in China" placed in the ocean); coordinates inside the box are not proven right.
COUNTRY_BOXES: dict[str, tuple[float, float, float, float]] = {
    "China": (17.5, 54.0, 73.0, 135.5),
    "Bangladesh": (20.3, 26.8, 87.9, 92.8),
    "Vietnam": (8.0, 23.5, 102.0, 110.0),
    "India": (6.0, 36.0, 68.0, 97.5),
    "Pakistan": (23.5, 37.2, 60.8, 77.9),
    "Cambodia": (9.9, 14.8, 102.2, 107.7),
    "Indonesia": (-11.2, 6.2, 94.8, 141.1),
    "Türkiye": (35.8, 42.2, 25.6, 44.9),
    "Mexico": (14.4, 32.8, -118.5, -86.6),
    "Sri Lanka": (5.8, 10.0, 79.5, 82.0),
    "Myanmar": (9.5, 28.6, 92.1, 101.2),
    "Thailand": (5.5, 20.5, 97.3, 105.7),
}
