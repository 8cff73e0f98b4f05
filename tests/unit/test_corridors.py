"""Corridor model: sea distances, land legs, the US-transit rule, parameters, the AVE."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest

from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.integration.corridors import compare, load_params, parse_params
from tradewinds.integration.corridors import network as net
from tradewinds.integration.corridors.routes import routes_between
from tradewinds.integration.corridors.trade_costs import ave, ave_change, route_shift

#: Port pairs of the compared routes with the largest detour over the great circle allowed:
#: open-ocean crossings 15% (the Aleutian passes, Luzon Strait), the Pacific coast 35% (out of
#: the Salish Sea round Vancouver Island, then along the coast), Halifax-Veracruz 20% (round
#: Florida) and Montreal to the Gulf 100% (down the St Lawrence, round Nova Scotia and Florida).
PAIRS = [
    ("MXZLO", "CNSHA", 1.15), ("MXLZC", "KRPUS", 1.15), ("MXLZC", "JPYOK", 1.15),
    ("MXZLO", "SGSIN", 1.15), ("CAPRR", "CNSHA", 1.15), ("CAVAN", "JPYOK", 1.15),
    ("USLAX", "CNSHA", 1.15), ("CAVAN", "MXZLO", 1.35), ("CAPRR", "MXLZC", 1.35),
    ("CAHAL", "MXVER", 1.2), ("CAMTR", "MXATM", 2.0),
]  # fmt: skip


def _gc(a: str, b: str) -> float:
    pa, pb = net.place(a), net.place(b)
    return net.great_circle_km(pa.lat, pa.lon, pb.lat, pb.lon)


@pytest.mark.parametrize(("a", "b", "detour"), PAIRS)
def test_sea_distance_within_great_circle_bounds(a, b, detour):
    # A ship cannot beat the great circle (0.5% slack: searoute measures the path on its own
    # sphere), nor should the network send it further round than the geography requires.
    sea = net.sea_path(a, b).distance_km
    gc = _gc(a, b)
    assert sea >= gc * 0.995
    assert sea <= gc * detour


@pytest.mark.parametrize(("a", "b"), [("CAPRR", "CNSHA"), ("MXLZC", "SGSIN"), ("CNSHA", "CAVAN")])
def test_sea_path_is_what_searoute_returns(a, b):
    # One single-source search per port replaces searoute's pairwise search: same network,
    # same end points, same length as searoute.searoute(..., append_orig_dest=True).
    import searoute

    net.clear_caches()
    pa, pb = net.place(a), net.place(b)
    feature = searoute.searoute([pa.lon, pa.lat], [pb.lon, pb.lat], units="km",
                                append_orig_dest=True)  # fmt: skip
    path = net.sea_path(a, b)
    # Ties between equally long paths (MARNET weights are rounded to 0.1 km) may be broken
    # differently: 1e-4 relative is 1 km on 10,000 km.
    assert path.distance_km == pytest.approx(feature["properties"]["length"], rel=1e-4)
    assert path.coords[0][1] == pa.lat
    assert path.coords[-1][1] == pb.lat
    assert (path.coords[0][0] - pa.lon) % 360 == pytest.approx(0)


def test_sea_path_symmetric_and_cached():
    ab, ba = net.sea_path("CAHAL", "MXVER"), net.sea_path("MXVER", "CAHAL")
    assert ab.distance_km == ba.distance_km
    assert ab.coords == ba.coords[::-1]


def test_prince_rupert_is_the_closest_north_american_gateway_to_shanghai():
    # The Port of Prince Rupert's own claim: the closest North American port to Asia (about
    # 1,000 nm closer than Los Angeles/Long Beach, per the Maritime Executive, 2016).
    prr = net.sea_path("CAPRR", "CNSHA").distance_km
    assert prr < net.sea_path("CAVAN", "CNSHA").distance_km
    assert prr < net.sea_path("USLAX", "CNSHA").distance_km - 1000


def test_land_legs_longer_than_the_straight_line():
    params = load_params()
    for link in net.land_links():
        for mode in link.modes:
            km = link.length_km(mode, {"rail": params.circuity_rail, "truck": params.circuity_road})
            assert km >= _gc(link.a, link.b)


def test_land_links_are_sourced_or_flagged_as_estimated():
    # A published distance carries the address of the page it comes from; a leg without one is
    # an estimate and says so in its source.
    links = net.land_links()
    sourced = [link for link in links if not link.estimated]
    assert len(sourced) >= 10
    for link in links:
        if link.estimated:
            assert link.source.startswith("estimate: great-circle x circuity"), link
        else:
            assert "http" in link.source, link
            assert (link.distance_km or 0) > 0
    # Within a pair, each mode has one row.
    keys = [(link.a, link.b, mode) for link in links for mode in link.modes]
    assert len(keys) == len(set(keys))


def test_published_rail_distances_are_used_and_circuity_is_plausible():
    params = load_params()
    circuity = {"rail": params.circuity_rail, "truck": params.circuity_road}
    # Toronto-Vancouver: VIA Rail's Canadian, 4,466 km on CN (docs/corridors.md).
    leg = [(link, km) for link, km in net.land_path("TORONTO", "CAVAN", "rail", circuity)]
    assert [km for _, km in leg] == [4466.0]
    assert not leg[0][0].estimated
    # The published route distances over the great circle: between 1.05 and 1.35 except
    # Montreal-Halifax (1.71: the Intercolonial swings north through the Matapedia valley).
    # The assumed circuity factors (1.2-1.25) sit inside that range, so
    # the estimates are of the right size, if low for roundabout lines.
    ratios = {}
    for link in net.land_links():
        if not link.estimated:
            ratios[link.a, link.b] = float(link.distance_km or 0) / _gc(link.a, link.b)
    assert ratios.pop(("CAMTR", "CAHAL")) == pytest.approx(1.71, abs=0.01)
    assert all(1.05 < r < 1.35 for r in ratios.values()), ratios
    assert min(ratios.values()) < params.circuity_road < params.circuity_rail < max(ratios.values())


def test_legs_report_their_estimated_kilometres():
    routes = compare(["CAN"], ["MEX"], ["direct", "USA"])
    by_kind = {(r.kind, r.ports[0] if r.ports else ""): r for r in routes}
    pacific = by_kind[("sea-pacific", "CAVAN")]
    rail = next(leg for leg in pacific.legs if leg.mode == "rail")
    assert rail.estimated_km == 0.0  # Toronto-Vancouver is published
    assert rail.to_dict()["estimated_km"] == 0.0
    overland = by_kind[("overland-rail", "")]
    land = [leg for leg in overland.legs if leg.mode == "rail"]
    assert sum(leg.estimated_km for leg in land) > 0  # the US legs are still estimates
    assert all(0 <= leg.estimated_km <= leg.distance_km for leg in land)


def test_land_link_flag_must_match_the_distance(monkeypatch):
    import pandas as pd

    from tradewinds.core.errors import DataError

    bad = pd.DataFrame(
        [{"a": "TORONTO", "b": "CAMTR", "modes": "rail", "border": "", "distance_km": "539",
          "estimated": "yes", "source": "x"}]
    )  # fmt: skip
    net.places()  # ports and hubs are read (and cached) before the table is replaced
    monkeypatch.setattr(net, "_table", lambda name, **kw: bad)
    net.land_links.cache_clear()
    try:
        with pytest.raises(DataError, match="line 2: 'estimated' must be 'yes' exactly when"):
            net.land_links()
    finally:
        monkeypatch.undo()
        net.land_links.cache_clear()


def test_packaged_searoute_data_is_the_shared_copy(shared_data: Path):
    # SOURCES.md §13: ../shared/data/ports_searoute is what PyPI searoute 1.6.0 ships.
    from importlib import resources

    for name in ("marnet_searoute.geojson", "ports.geojson"):
        shipped = (resources.files("searoute") / "data" / name).read_bytes()
        shared = (shared_data / "data" / "ports_searoute" / name).read_bytes()
        assert hashlib.sha256(shipped).digest() == hashlib.sha256(shared).digest()


def test_ports_come_from_the_world_port_index(shared_data: Path):
    import pandas as pd

    raw = pd.read_csv(
        shared_data / "data" / "ports_world_port_index" / "UpdatedPub150.csv",
        dtype=str,
        encoding="utf-8-sig",
    )
    raw = raw.set_index(raw["World Port Index Number"].astype(float).astype(int))
    for pid, row in net.ports().iterrows():
        src = raw.loc[int(row["wpi_number"])]
        assert float(src["Latitude"]) == pytest.approx(row["lat"], abs=1e-4), pid
        assert float(src["Longitude"]) == pytest.approx(row["lon"], abs=1e-4), pid
        assert src["Harbor Size"] == row["harbor_size"]


# --- the US-transit rule, one check per compared routing ---------------------------------


@pytest.fixture(scope="module")
def can_mex():
    return {(r.via, r.kind): r for r in compare(["CAN"], ["MEX"], ["direct", "USA"]) if r.best}


def test_can_mex_direct_sea_routes_avoid_the_us():
    routes = routes_between("CAN", "MEX", "direct")
    assert {r.kind for r in routes} == {"sea-pacific", "sea-atlantic"}
    assert {(r.origin_port, r.destination_port) for r in routes} == set(
        itertools.product(["CAVAN", "CAPRR"], ["MXZLO", "MXLZC"])
    ) | set(itertools.product(["CAHAL", "CAMTR"], ["MXVER", "MXATM"]))
    assert not any(r.us_transit for r in routes)


def test_can_mex_overland_transits_the_us_and_crosses_two_borders():
    routes = routes_between("CAN", "MEX", "USA")
    assert {r.kind for r in routes} == {"overland-rail", "overland-truck"}
    for r in routes:
        assert r.us_transit
        assert len(r.legs[0].borders) == 2
        assert "USA" in r.legs[0].countries


def test_pacific_coastal_route_passes_us_waters_but_is_not_us_transit():
    # Vancouver leaves by the Strait of Juan de Fuca, whose boundary runs mid-channel, and the
    # coastal lane passes close to southern California: US waters, no US port call.
    route = next(r for r in routes_between("CAN", "MEX", "direct") if r.origin_port == "CAVAN")
    assert not route.us_transit
    assert {"Port Angeles", "Los Angeles"} <= set(route.us_waters)


def test_mexico_asia_routings_us_transit():
    routes = compare(["MEX"], ["CHN"], ["direct", "USA", "CAN"])
    kinds = {(r.via, r.kind) for r in routes}
    assert kinds == {("direct", "sea"), ("USA", "landbridge"), ("USA", "feeder"), ("CAN", "feeder")}
    for r in routes:
        assert r.us_transit == (r.via == "USA"), r.name
    feeders = [r for r in routes if r.via == "CAN"]
    assert {r.transshipment[0] for r in feeders} == {"CAVAN", "CAPRR"}
    landbridge = {r.origin_port: r.legs[0].borders for r in routes if r.kind == "landbridge"}
    assert landbridge["USLAX"] == ("Nogales",)
    assert all(len(b) == 1 for b in landbridge.values())


def test_no_land_bridge_from_mexico_to_canada_without_the_us():
    # Rail from Mexico to a Canadian port crosses the US; a via-CAN routing is by sea only.
    assert all(r.kind == "feeder" for r in routes_between("MEX", "JPN", "CAN"))


def test_one_best_route_per_routing():
    routes = compare(["MEX", "CAN"], ["CHN", "KOR"], ["direct", "USA", "CAN", "MEX"])
    groups: dict[tuple[str, str, str], int] = {}
    for r in routes:
        groups[(r.origin, r.destination, r.via)] = groups.get((r.origin, r.destination, r.via), 0)
        groups[(r.origin, r.destination, r.via)] += r.best
    assert set(groups.values()) == {1}
    assert not any(r.via == r.origin for r in routes)


def test_totals_add_up_the_legs():
    r = routes_between("MEX", "KOR", "CAN")[0]
    d = r.to_dict()
    assert d["distance_km"] == pytest.approx(sum(leg["distance_km"] for leg in d["legs"]), abs=1)
    assert d["cost_usd_per_teu"] == pytest.approx(
        sum(x["cost_usd_per_teu"] for x in d["legs"]), abs=1
    )
    assert [leg["mode"] for leg in d["legs"]] == [
        "rail", "port", "sea", "transshipment", "sea", "port",
    ]  # fmt: skip


def test_unknown_codes_are_one_clear_error():
    with pytest.raises(UnknownLabelError, match="routing 'PAN'"):
        compare(["MEX"], ["CHN"], ["PAN"])
    with pytest.raises(UnknownLabelError, match="destination country 'XYZ'"):
        compare(["MEX"], ["XYZ"])
    with pytest.raises(ScenarioError, match="both 'MEX'"):
        compare(["MEX"], ["MEX"])


# --- parameters ----------------------------------------------------------------------------


def test_every_parameter_has_a_source():
    from tradewinds.integration.corridors.params import CorridorParams, packaged_table

    table = packaged_table()
    assert set(table) == set(CorridorParams.model_fields)
    for name, row in table.items():
        assert row.get("source"), name
        assert row.get("unit"), name


def test_params_override_and_validation(tmp_path):
    good = tmp_path / "p.yaml"
    good.write_text("sea_speed_knots: 20\nvalue_usd_per_teu: {value: 80000, source: mine}\n")
    params = load_params(good)
    assert params.sea_speed_knots == 20
    assert params.value_usd_per_teu == 80000
    assert params.rail_speed_kmh == load_params().rail_speed_kmh
    faster = routes_between("MEX", "CHN", "direct", params)[0]
    slower = routes_between("MEX", "CHN", "direct")[0]
    assert faster.days < slower.days
    with pytest.raises(ScenarioError, match="unknown parameter 'sea_speed'"):
        parse_params({"sea_speed": 20}, "p.yaml")
    with pytest.raises(ScenarioError, match="sea_speed_knots"):
        parse_params({"sea_speed_knots": -1}, "p.yaml")
    with pytest.raises(ScenarioError, match="mapping"):
        parse_params([1, 2], "p.yaml")


# --- from routes to trade costs -------------------------------------------------------------


def test_ave_is_freight_share_plus_time_cost():
    params = parse_params({"value_usd_per_teu": 40000, "time_cost_pct_per_day": 1.0})
    r = routes_between("CAN", "MEX", "USA", params)[0]
    assert ave(r, params) == pytest.approx(r.cost_usd_per_teu / 40000 + r.days * 0.01)
    high = ave(r, params, "high")
    assert high == pytest.approx(r.cost_usd_per_teu / 40000 + r.days * 0.021)


def test_ave_change_is_the_ratio_of_cost_factors():
    params = load_params()
    old, new = routes_between("CAN", "MEX", "USA")[0], routes_between("CAN", "MEX", "direct")[0]
    change = ave_change(old, new, params)
    assert change == pytest.approx((1 + ave(new, params)) / (1 + ave(old, params)) - 1)
    assert ave_change(old, old, params) == 0
    back = ave_change(new, old, params)
    assert (1 + change) * (1 + back) == pytest.approx(1)


def test_faster_sea_makes_the_direct_route_relatively_cheaper():
    slow = route_shift("CAN", "MEX", params=parse_params({"sea_speed_knots": 12}))
    fast = route_shift("CAN", "MEX", params=parse_params({"sea_speed_knots": 22}))
    assert fast.change[0] < slow.change[0]


def test_route_shift_scenario_solves():
    from tradewinds.scenarios import run_scenario
    from tradewinds.scenarios.schema import parse_scenario

    shift = route_shift("CAN", "MEX", to_kind="sea-atlantic")
    spec = parse_scenario(shift.scenario(), "corridor scenario")
    assert [s.change for s in spec.shocks.trade_costs] == [round(c, 6) for c in shift.change]
    eq = run_scenario(spec)
    assert eq.report.converged
    records = eq.to_records()
    flows = records[(records["metric"] == "trade_pct") & (records["country"] == "CAN")]
    to_mex = float(flows[flows["partner"] == "MEX"]["value"].iloc[0])
    # Trade costs move one way, CAN->MEX trade the other way.
    assert to_mex * shift.change[0] < 0


def test_route_shift_picks_the_cheapest_of_a_kind_and_names_the_kinds():
    params = load_params()
    shift = route_shift("CAN", "MEX", to_kind="sea-pacific")
    pacific = [r for r in routes_between("CAN", "MEX", "direct") if r.kind == "sea-pacific"]
    best = min(pacific, key=lambda r: r.generalized_cost(params))
    assert shift.new[0].name == best.name
    with pytest.raises(ScenarioError, match="kinds: \\['sea-atlantic', 'sea-pacific'\\]"):
        route_shift("CAN", "MEX", to_kind="sea-arctic")


@pytest.mark.parametrize("package", ["corridors", "diversify"])
def test_derived_tables_match_their_provenance(package, shared_data: Path):
    # Built by scripts/build_corridor_data.py; the record names the raw files and the outputs.
    import json
    from importlib import resources

    from tradewinds.data.loaders import file_sha256

    base = Path(str(resources.files(f"tradewinds.integration.{package}").joinpath("data")))
    prov = json.loads((base / "provenance.json").read_text())
    assert "build_corridor_data.py" in prov["built_by"]
    for name, digest in prov["outputs"].items():
        assert file_sha256(base / name) == digest, name
    for rel, digest in prov["raw_files"].items():
        assert file_sha256(shared_data / rel) == digest, rel
