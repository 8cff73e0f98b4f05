"""Reproductions of published results: each module sets up a paper's cases on its data."""
