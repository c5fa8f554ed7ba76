"""Two reads of every page give what the plain aggregates over ``observations`` gave, on
SQLite and PostgreSQL (issue 12).

``queries.first_load_at`` reads ``load_batches`` and ``queries.latest_data_year`` probes the
current-row index per indicator and unit, instead of reading the table. Here the answers are
compared with the two statements they replaced, written out below, after each step of a
warehouse's history: capital plans loaded before any observation, a batch of observations
recorded without rows, a batch loaded with an earlier time than the batch before it, a
resubmission, a January that counts towards the year before (a disbursement extension
month), undos — one of them at a time earlier than every load (a clock set wrong), once
bringing rows back and once bringing none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, func, insert, select

from data_access import queries, writes
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.schema import load_batches, observations
from metrics.registry import HEADLINE_CODES

TD, SG, INVESTOR_UNIT = "26737", "26740", "26743"
SHARE, SATISFACTION, DISBURSEMENT = (
    "online_dossier_share",
    "satisfaction_rate",
    "public_investment_disbursement",
)
JAN26, FEB26, MAR26, JAN27 = (
    dt.date(2026, 1, 1),
    dt.date(2026, 2, 1),
    dt.date(2026, 3, 1),
    dt.date(2027, 1, 1),
)

CODE_SETS: tuple[tuple[str, ...], ...] = (
    HEADLINE_CODES,
    (SHARE,),
    (SATISFACTION,),
    (DISBURSEMENT,),
    (SHARE, "on_time_rate"),
    (),
)
THROUGH = [dt.date(2025, 12, 1), JAN26, FEB26, dt.date(2026, 12, 1), JAN27, dt.date(2027, 2, 1)]
AS_OF = [None, dt.datetime(2026, 2, 4), dt.datetime(2027, 2, 10), dt.datetime(2027, 2, 21)]


def _frame(
    indicator: str, month: dt.date, units: Sequence[str], breakdown: str = "", year: int = 0
) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": indicator,
                "unit_id": unit,
                "period_year": year or month.year,
                "period_month": month,
                "breakdown_key": breakdown,
                "value": 50.0,
                "numerator": 5.0,
                "denominator": 10.0,
            }
            for unit in units
        ]
    )


def _load(conn: Connection, frame: pd.DataFrame, key: str, at: dt.datetime) -> int:
    loaded = writes.load_observation_batch(
        conn, frame, submission_key=key, source_name="t", submitted_by="t", loaded_at=at
    )
    return loaded.batch_id


def _old_first_load_at(conn: Connection) -> dt.datetime | None:
    """The statement ``first_load_at`` sent before."""
    value = conn.execute(select(func.min(observations.c.loaded_at))).scalar_one()
    return None if value is None else pd.Timestamp(value).to_pydatetime()


def _old_latest_data_year(
    conn: Connection, codes: Sequence[str], through: dt.date, as_of: dt.datetime | None
) -> int | None:
    """The statement ``latest_data_year`` sent before (as of a moment, or current)."""
    if as_of is None:
        version = observations.c.superseded_at.is_(None)
    else:
        version = (observations.c.loaded_at <= as_of) & (
            observations.c.superseded_at.is_(None) | (observations.c.superseded_at > as_of)
        )
    year = conn.execute(
        select(func.max(observations.c.period_year)).where(
            version,
            observations.c.indicator_id.in_(list(codes)),
            observations.c.period_month <= through,
        )
    ).scalar_one()
    return None if year is None else int(year)


def _assert_same_answers(engine: Engine) -> dt.datetime | None:
    """Both reads answer as the old statements, for every code set, month and moment;
    returns the first load."""
    with engine.connect() as conn:
        first = queries.first_load_at(conn)
        assert first == _old_first_load_at(conn)
        for codes in CODE_SETS:
            for through in THROUGH:
                for as_of in AS_OF:
                    assert queries.latest_data_year(
                        conn, codes, through, as_of
                    ) == _old_latest_data_year(conn, codes, through, as_of), (
                        codes,
                        through,
                        as_of,
                    )
    return first


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reads.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        writes.insert_units(conn, writes.reference_unit_rows())
        writes.sync_registry(conn)
    try:
        yield engine
    finally:
        engine.dispose()


def test_the_first_load_and_the_latest_year_answer_as_the_whole_table_did(engine: Engine) -> None:
    # An empty warehouse: no first load, no year.
    assert _assert_same_answers(engine) is None
    with engine.begin() as conn:
        # Capital plans on 15 December 2025: a batch, but no observation.
        writes.load_capital_plan_batch(
            conn,
            pd.DataFrame(
                [(INVESTOR_UNIT, 2026, JAN26, 100.0, "approved")],
                columns=list(writes.CAPITAL_PLAN_COLUMNS),
            ),
            submission_key="plans-2026",
            source_name="t",
            submitted_by="t",
            loaded_at=dt.datetime(2025, 12, 15, 3, 0),
        )
        # A batch of observations recorded with no rows, on 1 November (no loader writes
        # one: an empty file is refused).
        conn.execute(
            insert(load_batches).values(
                submission_key="empty",
                batch_kind="observations",
                source_name="t",
                submitted_by="t",
                loaded_at=dt.datetime(2025, 11, 1),
                row_count=0,
                status="loaded",
            )
        )
    assert _assert_same_answers(engine) is None
    with engine.begin() as conn:
        # The online share of January 2026 on 3 February, totals and by procedure.
        share = pd.concat(
            [
                _frame(SHARE, JAN26, [TD, SG]),
                _frame(SHARE, JAN26, [TD], "procedure:a"),
                _frame(SHARE, JAN26, [TD], "procedure:b"),
            ]
        )
        _load(conn, share, "share-2026", dt.datetime(2026, 2, 3, 2, 0))
    assert _assert_same_answers(engine) == dt.datetime(2026, 2, 3, 2, 0)
    with engine.begin() as conn:
        # Satisfaction of January, loaded after it but with an earlier time (20 January).
        _load(conn, _frame(SATISFACTION, JAN26, [TD]), "satisfaction", dt.datetime(2026, 1, 20))
        # The share re-sent on 10 March with February: replaces the first version.
        resent = pd.concat([share, _frame(SHARE, FEB26, [TD, SG])])
        _load(conn, resent, "share-2026", dt.datetime(2026, 3, 10))
    assert _assert_same_answers(engine) == dt.datetime(2026, 1, 20)
    with engine.begin() as conn:
        # January 2027: the share (a new figure for TĐ's total of January 2026 too) on 5
        # February, undone on 20 February; the disbursement of the extension month January
        # 2027, which counts towards 2026, on 6 February.
        early = pd.concat([_frame(SHARE, JAN27, [TD]), _frame(SHARE, JAN26, [TD])])
        undone = _load(conn, early, "share-2027-01", dt.datetime(2027, 2, 5))
        _load(
            conn,
            _frame(DISBURSEMENT, JAN27, [INVESTOR_UNIT], year=2026),
            "disbursement-2027-01",
            dt.datetime(2027, 2, 6),
        )
        result = writes.undo_batch(conn, undone, undone_by="t", at=dt.datetime(2027, 2, 20))
        assert result.rows_restored == 1  # TĐ's January 2026, loaded again on 20 February
    assert _assert_same_answers(engine) == dt.datetime(2026, 1, 20)
    with engine.connect() as conn:
        # Given/expect: the undone 2027 figure is out; as it stood on 10 February, it was in.
        assert queries.latest_data_year(conn, HEADLINE_CODES, JAN27) == 2026
        assert queries.latest_data_year(conn, (SHARE,), JAN27, dt.datetime(2027, 2, 10)) == 2027
        assert queries.latest_data_year(conn, (DISBURSEMENT,), dt.date(2027, 2, 1)) == 2026
        assert queries.latest_data_year(conn, (SATISFACTION,), dt.date(2025, 12, 1)) is None
    with engine.begin() as conn:
        # SG's March, loaded on 1 March 2027 and re-sent the next day; the resubmission is
        # undone with a clock set wrong (1 June 2025, before every load): the first version
        # comes back as a row loaded then.
        _load(conn, _frame(SHARE, MAR26, [SG]), "sg-march", dt.datetime(2027, 3, 1))
        resent_march = _load(conn, _frame(SHARE, MAR26, [SG]), "sg-march", dt.datetime(2027, 3, 2))
        writes.undo_batch(conn, resent_march, undone_by="t", at=dt.datetime(2025, 6, 1))
    assert _assert_same_answers(engine) == dt.datetime(2025, 6, 1)
    with engine.begin() as conn:
        # A batch that replaced nothing, undone with an even earlier clock: no row comes
        # back, so no figure stood then.
        alone = _load(conn, _frame(SATISFACTION, FEB26, [SG]), "alone", dt.datetime(2027, 3, 3))
        result = writes.undo_batch(conn, alone, undone_by="t", at=dt.datetime(2025, 1, 1))
        assert result.rows_restored == 0
    assert _assert_same_answers(engine) == dt.datetime(2025, 6, 1)
    with engine.begin() as conn:
        # TĐ's satisfaction of December 2024, loaded late: the pair (satisfaction, TĐ) now
        # holds two years, and its latest (2026) is the answer, not its earliest.
        _load(
            conn, _frame(SATISFACTION, dt.date(2024, 12, 1), [TD]), "old", dt.datetime(2027, 3, 4)
        )
    assert _assert_same_answers(engine) == dt.datetime(2025, 6, 1)
    with engine.connect() as conn:
        assert queries.latest_data_year(conn, (SATISFACTION,), dt.date(2026, 12, 1)) == 2026
        assert queries.latest_data_year(conn, (SATISFACTION,), dt.date(2025, 12, 1)) == 2024
