"""Fixtures for the attestation tests (constants live in attest_testkit)."""

from __future__ import annotations

import pytest
from attest_testkit import journal_config

from sitegen.attest.config import AttestationConfig


@pytest.fixture
def config() -> AttestationConfig:
    return journal_config()
