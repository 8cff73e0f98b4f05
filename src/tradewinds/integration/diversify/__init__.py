"""Diversification away from the US market: exposure by product and alternative markets."""
