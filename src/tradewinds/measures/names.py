"""Readable names of the registry's programmes and authorities, for legends and tables.

The registry and every tidy output key a measure by its programme (``s232_metals``) or authority
(``section_232``): short, stable and machine-friendly. People reading a chart or a table get
these names instead; CSV and JSON outputs keep the keys.
"""

from __future__ import annotations

#: Programme or authority key -> readable name.
PROGRAMME_NAMES: dict[str, str] = {
    "total": "total",
    "mfn": "MFN (column 1 general)",
    "adcvd": "antidumping and countervailing duties",
    "adcvd_softwood_ad": "softwood lumber antidumping duty",
    "adcvd_softwood_cvd": "softwood lumber countervailing duty",
    "adcvd_tomatoes_ad": "fresh tomatoes antidumping duty",
    "ieepa": "IEEPA (emergency tariffs)",
    "ieepa_ca": "IEEPA on Canada",
    "ieepa_ca_announced": "IEEPA on Canada (as announced)",
    "ieepa_ca_transship": "IEEPA on Canada, transshipment penalty",
    "ieepa_mx": "IEEPA on Mexico",
    "ieepa_mx_announced": "IEEPA on Mexico (as announced)",
    "section_122": "Section 122 (balance of payments)",
    "s122": "Section 122 surcharge",
    "section_232": "Section 232 (national security)",
    "s232_steel": "Section 232 steel",
    "s232_aluminum": "Section 232 aluminium",
    "s232_copper": "Section 232 copper",
    "s232_metals": "Section 232 metals (2026 tiers)",
    "s232_metals_us": "Section 232 metals of US origin",
    "s232_autos": "Section 232 passenger vehicles",
    "s232_auto_parts": "Section 232 auto parts",
    "s232_mhdv": "Section 232 medium and heavy trucks",
    "s232_mhdv_parts": "Section 232 truck parts",
    "s232_buses": "Section 232 buses",
    "s232_wood": "Section 232 timber, lumber and wood products",
    "s232_pharma": "Section 232 pharmaceuticals",
    "s232_semiconductors": "Section 232 semiconductors",
    "section_301": "Section 301 (unfair trade practices)",
    "s301": "Section 301",
    "canada_surtax": "Canadian surtaxes",
    "ca_surtax_autos": "Canadian surtax on US autos",
    "ca_surtax_mar13_other": "Canadian surtax of 13 March 2025",
    "ca_surtax_steel_aluminum": "Canadian surtax on US steel and aluminium",
    "ca_surtax_tranche1": "Canadian surtax, first tranche",
    "mexico_tariff": "Mexican tariffs",
    "mx_nonfta": "Mexican tariffs on non-FTA partners",
}


def programme_name(key: str) -> str:
    """The readable name of a programme or authority key (the key itself if unnamed)."""
    return PROGRAMME_NAMES.get(key, key)
