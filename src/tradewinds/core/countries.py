"""Country codes a user may give: ISO 3166-1 alpha-3.

The 249 officially assigned alpha-3 codes of ISO 3166-1 (ISO 3166 Maintenance Agency, as
published in the standard's online browsing platform). Duty and origin inputs are checked against
this list, so a mistyped code such as ``XYZ`` is refused with suggestions instead of being
charged as an unknown country.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

#: ISO 3166-1 alpha-3 codes (officially assigned), sorted.
ISO3_CODES: frozenset[str] = frozenset(
    (
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA",
    "ATF", "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR",
    "BHR", "BHS", "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN",
    "BVT", "BWA", "CAF", "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG",
    "COK", "COL", "COM", "CPV", "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU",
    "DJI", "DMA", "DNK", "DOM", "DZA", "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH",
    "FIN", "FJI", "FLK", "FRA", "FRO", "FSM", "GAB", "GBR", "GEO", "GGY", "GHA", "GIB",
    "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD", "GRL", "GTM", "GUF", "GUM", "GUY",
    "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN", "IND", "IOT", "IRL", "IRN",
    "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM",
    "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE", "LKA", "LSO",
    "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX", "MHL",
    "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR",
    "NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL",
    "PRI", "PRK", "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU",
    "SDN", "SEN", "SGP", "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM",
    "SRB", "SSD", "STP", "SUR", "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA",
    "TCD", "TGO", "THA", "TJK", "TKL", "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV",
    "TWN", "TZA", "UGA", "UKR", "UMI", "URY", "USA", "UZB", "VAT", "VCT", "VEN", "VGB",
    "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF", "ZMB", "ZWE",
    )
)  # fmt: skip


#: ISO 4217 currency codes people type for a country (the three letters look alike); the name
#: and the country's ISO3 code, None for a currency of many countries.
CURRENCY_CODES: dict[str, tuple[str, str | None]] = {
    "CAD": ("the Canadian dollar", "CAN"),
    "USD": ("the US dollar", "USA"),
    "MXN": ("the Mexican peso", "MEX"),
    "EUR": ("the euro", None),
    "GBP": ("the pound sterling", "GBR"),
    "JPY": ("the Japanese yen", "JPN"),
    "CNY": ("the Chinese yuan", "CHN"),
    "RMB": ("the Chinese yuan", "CHN"),
    "CHF": ("the Swiss franc", "CHE"),
    "AUD": ("the Australian dollar", "AUS"),
    "NZD": ("the New Zealand dollar", "NZL"),
    "INR": ("the Indian rupee", "IND"),
    "BRL": ("the Brazilian real", "BRA"),
    "KRW": ("the South Korean won", "KOR"),
    "HKD": ("the Hong Kong dollar", "HKG"),
    "SGD": ("the Singapore dollar", "SGP"),
    "TWD": ("the New Taiwan dollar", "TWN"),
    "VND": ("the Vietnamese dong", "VNM"),
    "SEK": ("the Swedish krona", "SWE"),
    "NOK": ("the Norwegian krone", "NOR"),
    "DKK": ("the Danish krone", "DNK"),
    "ZAR": ("the South African rand", "ZAF"),
}


def country_hint(
    code: str, known: Collection[str], regions: Mapping[str, str] | None = None
) -> str:
    """Why ``code`` is not among the ``known`` countries, when there is more to say than typos.

    A currency code (``CAD``) is named as one, with its country; an ISO3 country that a region
    of ``known`` holds (``regions``: country to region) is pointed to that region; a short
    ``known`` list is given in full. Empty when none applies (the caller suggests spellings).
    """
    upper = str(code).strip().upper()
    if upper in CURRENCY_CODES and upper not in known:
        name, country = CURRENCY_CODES[upper]
        instead = f"; the country is {country}" if country in known else ""
        return f"{upper} is a currency code ({name}), not a country{instead}."
    region = (regions or {}).get(upper)
    if region and region in known and upper not in known:
        return f"{upper} is part of {region} in this baseline; name {region} instead."
    if upper in ISO3_CODES and upper not in known and len(known) <= 12:
        return f"{upper} is a country code, but not one held here: {', '.join(sorted(known))}."
    return ""
