"""The "N lowest units" of the online-growth lever are chosen among the whole city's units,
so a unit-scoped user could read other units' rates from the city result (N = 1, 2, …:
the change is each chosen unit's share of dossiers × its room under 100 %). A unit-scoped
user is not offered the parameter, and a run that asks for it (a lever file, a saved form)
is refused in plain words with nothing run; a city-wide user keeps it.
"""

from __future__ import annotations

from data_access.identity import User
from tests.security.harness import copy_warehouse, new_app, no_exception

OWN = "26737"
WARD_ANALYST = User("Phường Tân Định", frozenset({"viewer", "analyst"}), unit=OWN)
CITY_ANALYST = User("Sở", frozenset({"viewer", "analyst"}))
KEY = "scn_online_extra_growth_lowest_n"
REFUSAL = (
    "Giả định «Tăng thêm tỷ lệ hồ sơ trực tuyến mỗi tháng»: «N đơn vị thấp nhất» được chọn "
    "trong toàn Thành phố, ngoài phạm vi đơn vị của bạn; hãy chọn đơn vị của bạn trong danh "
    "sách đơn vị. Chưa chạy gì."
)


def _run(monkeypatch, url: str, user: User, lowest: int):  # type: ignore[no-untyped-def]
    app = new_app(monkeypatch, url, user, year="2026")
    app.run()
    app.switch_page("app_pages/scenarios.py")
    app.run()
    no_exception(app)
    offered = [n for n in app.number_input if n.key == KEY]
    app.text_input(key="scn_name").input("Thấp nhất")
    app.number_input(key="scn_online_extra_growth_pp_per_month").set_value(1.0)
    app.session_state[KEY] = lowest  # as a lever file fills the form
    next(b for b in app.button if b.label == "Chạy mô phỏng").click().run()
    no_exception(app)
    return app, offered


def test_a_ward_user_is_not_offered_the_lowest_units_and_a_run_asking_for_them_is_refused(
    monkeypatch, demo_warehouse_url, tmp_path
):
    url = copy_warehouse(demo_warehouse_url, str(tmp_path / "w.sqlite"))
    app, offered = _run(monkeypatch, url, WARD_ANALYST, 3)
    assert offered == []
    assert [str(e.value) for e in app.error] == [REFUSAL]
    assert "scn_current" not in app.session_state  # nothing was run


def test_a_city_user_keeps_the_lowest_units(monkeypatch, demo_warehouse_url, tmp_path):
    url = copy_warehouse(demo_warehouse_url, str(tmp_path / "w.sqlite"))
    app, offered = _run(monkeypatch, url, CITY_ANALYST, 3)
    assert len(offered) == 1
    assert not app.error, [e.value for e in app.error]
    assert app.session_state["scn_current"]["overrides"]["online_extra_growth"]["lowest_n"] == 3
