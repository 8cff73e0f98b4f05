"""Replications of published results: each module runs a paper's counterfactual on its data."""
