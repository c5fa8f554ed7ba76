"""A small synthetic baseline for the scenario engine's tests: every figure set by hand,
so the expected numbers can be worked out on paper."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from scenarios.baseline import Baseline, Economy, IndicatorPaths

YEAR = 2026
NOV, DEC, JAN = dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)


def _flow_paths(
    code: str, rng: np.random.Generator, n: int, mean: float, sd: float, target: float
) -> IndicatorPaths:
    # Observed so far: 1,000 dossiers at ``mean`` %; Nov and Dec expect 100 each.
    rates = rng.normal(mean, sd, (2, n))
    expected = np.array([100.0, 100.0])
    numerator = 10.0 * mean + np.cumsum(rates / 100.0 * expected[:, None], axis=0)
    paths = 100.0 * numerator / (1000.0 + np.cumsum(expected))[:, None]
    return IndicatorPaths(
        code=code,
        period_months=(NOV, DEC),
        is_extension=(False, False),
        paths=paths,
        period_values=rates,
        judgement_index=1,
        target=target,
        comparator=">=",
        observed_denominator=1000.0,
        expected_denominators=expected,
    )


def synthetic_baseline(n_paths: int = 4000, seed: int = 7) -> Baseline:
    """Online share ~49.7 %, satisfaction ~89.5 %, disbursement 60 % to date with ~10 %
    a month, the digital share ~27 %; GRDP 100 a month, sectors X 30 %, Y 60 %, taxes 10 %."""
    rng = np.random.default_rng(seed)
    online = _flow_paths("online_dossier_share", rng, n_paths, 49.7, 3.0, 50.0)
    satisfaction = _flow_paths("satisfaction_rate", rng, n_paths, 89.5, 2.0, 90.0)
    flows = np.clip(rng.normal(10.0, 3.0, (3, n_paths)), 0, None)
    disbursement = IndicatorPaths(
        code="public_investment_disbursement",
        period_months=(NOV, DEC, JAN),
        is_extension=(False, False, True),
        paths=np.minimum(60.0 + np.cumsum(flows, axis=0), 100.0),
        period_values=flows,
        judgement_index=1,
        target=95.0,
        comparator=">=",
        year_to_date=60.0,
        observed_flows=np.full(10, 6.0),
    )
    digital_rates = rng.normal(27.0, 0.5, (1, n_paths))
    digital = IndicatorPaths(
        code="digital_economy_share_grdp",
        period_months=(DEC,),
        is_extension=(False,),
        paths=(0.27 * 900.0 + digital_rates * 300.0 / 100.0) / 1200.0 * 100.0,
        period_values=digital_rates,
        judgement_index=0,
        target=30.0,
        comparator=">=",
        observed_denominator=900.0,
        expected_denominators=np.array([300.0]),
    )
    economy = Economy(
        months=tuple(dt.date(YEAR, m, 1) for m in range(1, 13)),
        grdp_monthly=np.full(12, 100.0),
        sector_codes=("X", "Y", "TAX"),
        sector_names_vi=("Ngành X", "Ngành Y", "Thuế"),
        sector_names_en=("Sector X", "Sector Y", "Taxes"),
        sector_shares=np.array([0.3, 0.6, 0.1]),
        is_production=np.array([True, True, False]),
        shares_year=YEAR,
    )
    units = pd.DataFrame(
        {
            "unit_id": ["u1", "u2", "u3", "u4"],
            "name_vi": ["Phường 1", "Phường 2", "Xã 3", "Xã 4"],
            "name_en": ["Ward 1", "Ward 2", "Commune 3", "Commune 4"],
            "rate": [20.0, 40.0, 60.0, 99.0],
            "denominator": [100.0, 300.0, 400.0, 200.0],
        }
    )
    curve = np.array([2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 20], dtype=float)
    return Baseline(
        year=YEAR,
        n_paths=n_paths,
        seed=seed,
        indicators={p.code: p for p in (online, satisfaction, disbursement, digital)},
        not_simulated={},
        units=units,
        economy=economy,
        curves={2024: curve},
        fingerprint="synthetic",
        is_demo=True,
    )
