"""The Canada–Mexico united-front game on the shipped threat scenario."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tradewinds.core.errors import ScenarioError
from tradewinds.policy.united_front import (
    STRATEGIES,
    TIE,
    draw_elasticities,
    united_front,
)
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.strategy import tariff_problem, united_front_sensitivity

THREAT = Path(__file__).resolve().parents[2] / "scenarios" / "threat-escalation.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(THREAT)


@pytest.fixture(scope="module")
def game(scenario):
    problem, threat = tariff_problem(scenario, status_quo="baseline")
    return united_front(problem, threat)


def _margin(game, cell):
    """Smallest loss either partner suffers by deviating alone from ``cell`` (ignoring ties)."""
    a, b = game.partners
    losses = [game.payoff(cell, a) - game.payoff((s, cell[1]), a) for s in STRATEGIES]
    losses += [game.payoff(cell, b) - game.payoff((cell[0], s), b) for s in STRATEGIES]
    return min(x for x in losses if x > TIE)


def test_shipped_threat_has_separate_deals_as_unique_equilibrium(game):
    """Pinned: (deal, deal) is the only pure Nash equilibrium of the shipped scenario.

    An equilibrium is a discrete answer; what makes it robust is the margin by which every
    deviation loses. The smallest such loss must exceed 1e-4 (0.01% of welfare), which is eight
    orders of magnitude above the solver tolerance (1e-12) and two above the welfare error that
    the retaliation searches' tolerance (1e-6 in the rate) can cause, so no numerical error
    can flip it.
    """
    assert game.equilibria == (("deal", "deal"),)
    assert _margin(game, ("deal", "deal")) > 1e-4


def test_cells_follow_the_definitions(game):
    a, b = game.partners
    # A deal for both restores the status quo (baseline tariffs): nobody's welfare moves.
    for welfare in game.welfare[("deal", "deal")].values():
        assert welfare == pytest.approx(0.0, abs=1e-10)
    # 'joint' without a joint partner is 'alone'.
    for other in ("accept", "alone", "deal"):
        assert game.welfare[("joint", other)] == game.welfare[("alone", other)]
        assert game.welfare[(other, "joint")] == game.welfare[(other, "alone")]
    # Mirror retaliation copies the US rates of the scenario.
    assert game.alone_rate == pytest.approx({a: 0.35, b: 0.30})
    # The threat hurts both partners and helps the US when nobody responds.
    accept = game.welfare[("accept", "accept")]
    assert accept[a] < -0.01
    assert accept[b] < -0.01
    assert accept["USA"] > 0
    # Joint retaliation is the coalition optimum: it beats both retaliating alone for the pair.
    jj, rr = game.welfare[("joint", "joint")], game.welfare[("alone", "alone")]
    assert jj[a] + jj[b] > rr[a] + rr[b]
    # ... and it costs the US relative to accepting: the threat loses part of its force.
    assert jj["USA"] < accept["USA"]


def test_summary_numbers_are_consistent(game):
    a, b = game.partners
    jj = game.welfare[("joint", "joint")]
    for p in (a, b):
        assert game.coordination_value[p] == pytest.approx(jj[p] - game.unilateral[p])
        assert game.coordination_vs_disagreement[p] == pytest.approx(jj[p] - game.disagreement[p])
    records = game.to_records()
    assert set(records["metric"]) >= {"welfare_pct", "coordination_value_pct", "nash_equilibrium"}
    assert len(records.query("metric == 'welfare_pct' and country == 'USA'")) == 16


def test_optimal_retaliation_is_each_partners_best_reply(scenario):
    """In 'optimal' mode the alone rate is the partner's best response under the full threat."""
    problem, threat = tariff_problem(scenario, status_quo="baseline")
    g = united_front(problem, threat, retaliation="optimal")
    a = g.partners[0]
    # Against (., accept) the alone rate is optimal, so no nearby rate does better; in
    # particular it beats accepting (a zero rate) and the mirror rate.
    assert g.payoff(("alone", "accept"), a) > g.payoff(("accept", "accept"), a)
    assert 0.05 < g.alone_rate[a] < 0.35


def test_deal_rate_keeps_part_of_the_tariff(scenario):
    problem, threat = tariff_problem(scenario, status_quo="baseline")
    g = united_front(problem, threat, deal_rate=0.10)
    assert g.payoff(("deal", "deal"), "CAN") < -1e-4  # a 10% US tariff still costs Canada


def test_sensitivity_is_seeded_and_counts_equilibria(scenario):
    eps = draw_elasticities(3, seed=7)
    assert eps.tolist() == draw_elasticities(3, seed=7).tolist()
    assert all(3.0 <= e <= 8.0 for e in eps)
    sens = united_front_sensitivity(scenario, list(eps))
    assert len(sens.games) == 3
    assert not sens.failures
    assert all(0 < share <= 1 for share in sens.frequencies.values())
    assert sens.frequencies[("deal", "deal")] == 1.0


def test_bad_players_are_rejected(scenario):
    problem, threat = tariff_problem(scenario, status_quo="baseline")
    with pytest.raises(ScenarioError, match="does not raise"):
        united_front(problem, threat, partners=("CAN", "CHN"))
    with pytest.raises(ScenarioError, match="differ"):
        united_front(problem, threat, partners=("CAN", "CAN"))
    with pytest.raises(ScenarioError, match="weights"):
        united_front(problem, threat, weights={"CAN": 1.0})


def test_every_cell_is_solved(game):
    assert set(game.welfare) == set(itertools.product(STRATEGIES, STRATEGIES))


@pytest.mark.parametrize(
    ("library_file", "cell"),
    [
        ("united-front-joint-retaliation.yaml", ("alone", "alone")),
        ("threat-separate-deal-mexico.yaml", ("accept", "deal")),
        ("threat-escalation.yaml", ("accept", "accept")),
    ],
)
def test_cells_match_the_library_scenarios_run_directly(game, library_file, cell):
    """Game cells equal the library's scenario files solved by the plain runner.

    Both mirror retaliation (library scenario 6) and Mexico's separate deal are cells of the
    game under the default mirror rule. The runner solves to 1e-10 and the game to 1e-12, so
    welfare agrees to about 1e-10; 1e-9 allows for that.
    """
    from tradewinds.scenarios import run_scenario

    eq = run_scenario(load_scenario(THREAT.parent / library_file))
    for country, value in game.welfare[cell].items():
        assert float(eq.country["welfare_hat"].sel(country=country)) - 1 == pytest.approx(
            value, abs=1e-9
        )


def test_with_elasticity_sets_the_models_eps(scenario):
    from tradewinds.scenarios.strategy import with_elasticity

    changed = with_elasticity(scenario, 6.5)
    assert changed.model.eps == 6.5
    assert scenario.model.eps == 4  # the original is frozen and unchanged
    assert changed.digest() != scenario.digest()
