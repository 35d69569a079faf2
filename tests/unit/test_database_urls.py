"""[database] connection URLs: the drivers this release ships, chosen when none is named."""

import pytest

from freezer_api.storage.engine import UnusableDriver, parse_database_url


@pytest.mark.parametrize(
    ("configured", "used"),
    [
        ("postgresql+psycopg://freezer:pw@db.example/freezer", "postgresql+psycopg://freezer:pw@db.example/freezer"),
        ("postgresql://freezer@db.example:5433/freezer", "postgresql+psycopg://freezer@db.example:5433/freezer"),
        ("mysql+pymysql://freezer@db.example/freezer", "mysql+pymysql://freezer@db.example/freezer"),
        (
            "mysql://freezer@db.example/freezer?charset=utf8mb4",
            "mysql+pymysql://freezer@db.example/freezer?charset=utf8mb4",
        ),
        ("mariadb://freezer@db.example/freezer", "mariadb+pymysql://freezer@db.example/freezer"),
        ("sqlite:////var/lib/freezer/freezer.sqlite", "sqlite:////var/lib/freezer/freezer.sqlite"),
    ],
)
def test_urls_use_the_shipped_drivers(configured, used):
    assert parse_database_url(configured).render_as_string(hide_password=False) == used


@pytest.mark.parametrize("configured", ["postgresql+psycopg2://u@h/db", "mysql+mysqldb://u@h/db"])
def test_other_drivers_are_refused_with_the_one_to_use(configured):
    with pytest.raises(UnusableDriver, match=r"\+(psycopg|pymysql)://"):
        parse_database_url(configured)
