"""Tariff measures as data: the registry, stacking, duty calculator and USMCA origin checks."""
