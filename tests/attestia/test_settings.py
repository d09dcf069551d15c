"""Settings: typed, validated at start, errors that name the setting, production refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from attestia.settings import SettingsError, load_settings

SAFE_PRODUCTION = {
    "mode": "production",
    "base_url": "https://attestia.example.fr",
    "database_url": "postgresql+psycopg://attestia@db.internal/attestia",
    "master_key_file": "/run/secrets/attestia-master.key",
    "proconnect_url": "https://fca.integ01.dev-agentconnect.fr/api/v2",
    "proconnect_client_id": "client",
    "proconnect_client_secret": "secret",
    "company_registry": "recherche-entreprises",
    "gaia_x_chain_file": "/run/secrets/gaia-x-chain.pem",
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    import os

    for name in list(os.environ):
        if name.startswith("ATTESTIA_"):
            monkeypatch.delenv(name)


def test_dev_defaults_need_no_configuration() -> None:
    settings = load_settings()
    assert settings.mode == "dev"
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.data_dir == Path("./var")
    assert settings.sandbox_enabled
    assert settings.company_registry == "offline"
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_database_url.endswith("var/attestia.db")


def test_environment_prefix_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ATTESTIA_DATA_DIR=/srv/attestia\n")
    monkeypatch.setenv("ATTESTIA_BASE_URL", "https://id.example.fr/")
    settings = load_settings()
    assert settings.base_url == "https://id.example.fr"
    assert settings.data_dir == Path("/srv/attestia")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ATTESTIA_BASE_URL", "ftp://example.fr"),
        ("ATTESTIA_BASE_URL", "not a url"),
        ("ATTESTIA_MODE", "staging"),
        ("ATTESTIA_PORT", "99999"),
        ("ATTESTIA_DATABASE_URL", "mysql://root@localhost/x"),
        ("ATTESTIA_COMPANY_REGISTRY", "yellow-pages"),
    ],
)
def test_invalid_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_safe_production_configuration_loads() -> None:
    settings = load_settings(SAFE_PRODUCTION)
    assert settings.is_production
    assert not settings.sandbox_enabled


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"proconnect_sandbox": True}, "ATTESTIA_PROCONNECT_SANDBOX"),
        ({"company_registry": "offline"}, "ATTESTIA_COMPANY_REGISTRY"),
        ({"base_url": "http://attestia.example.fr"}, "ATTESTIA_BASE_URL"),
        ({"database_url": None}, "ATTESTIA_DATABASE_URL"),
        ({"database_url": "sqlite:////srv/a.db"}, "ATTESTIA_DATABASE_URL"),
        ({"master_key_file": None}, "ATTESTIA_MASTER_KEY"),
        ({"proconnect_client_secret": None}, "ATTESTIA_PROCONNECT_CLIENT_SECRET"),
    ],
)
def test_production_refuses_unsafe_settings(override: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings({**SAFE_PRODUCTION, **override})


def test_production_needs_no_separate_hmac_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """The setting ATTESTIA_SECRET_KEY was required but never read; a deployment that still
    sets it starts, and the value is kept nowhere."""
    monkeypatch.setenv("ATTESTIA_SECRET_KEY", "k" * 40)
    settings = load_settings(SAFE_PRODUCTION)
    assert "k" * 40 not in repr(settings.model_dump())


def test_production_may_opt_into_sqlite() -> None:
    settings = load_settings(
        {
            **SAFE_PRODUCTION,
            "database_url": "sqlite:////srv/a.db",
            "allow_sqlite_in_production": True,
        }
    )
    assert settings.is_sqlite


def test_settings_are_immutable() -> None:
    settings = load_settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.mode = "production"  # type: ignore[misc]
