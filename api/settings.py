"""Settings from the environment (``NETZWERKATLAS_*``, ``NEO4J_*``), built, never imported."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph_schema.store import GraphStore, open_ladybug, open_neo4j

__all__ = ["Settings", "open_store"]


def _neo4j(name: str) -> AliasChoices:
    return AliasChoices(f"NEO4J_{name}", f"NETZWERKATLAS_NEO4J_{name}")


class Settings(BaseSettings):
    """Every setting of the app; see the README for what each one does."""

    model_config = SettingsConfigDict(env_prefix="NETZWERKATLAS_", extra="ignore")

    data_dir: Path = Path("data")
    store: Literal["ladybug", "neo4j"] = "ladybug"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    load_demo: bool = True
    demo_size: int = Field(default=150, ge=60)
    demo_seed: int = 20240901
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    token_ttl_minutes: int = Field(default=480, ge=1, le=60 * 24 * 30)
    secret_key: str | None = None
    cors_origins: str = ""
    cookie_secure: bool | None = None

    neo4j_uri: str = Field(default="bolt://localhost:7687", validation_alias=_neo4j("URI"))
    neo4j_user: str = Field(default="neo4j", validation_alias=_neo4j("USER"))
    neo4j_password: str = Field(default="", validation_alias=_neo4j("PASSWORD"))
    neo4j_database: str = Field(default="neo4j", validation_alias=_neo4j("DATABASE"))


def open_store(settings: Settings, *, read_only: bool = False) -> GraphStore:
    """The store the settings name: the embedded database in the data dir, or Neo4j."""
    if settings.store == "neo4j":
        return open_neo4j(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password,
            settings.neo4j_database,
        )
    return open_ladybug(settings.data_dir, read_only=read_only)
