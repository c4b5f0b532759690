"""rotate-key: every credential re-encrypted under the new key; the old key no longer works."""

from __future__ import annotations

import json
import stat
from typing import Any

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from publisher.cli import app
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.errors import InvalidInput, PublisherError
from publisher.models import AuditEvent, Channel
from publisher.security import decrypt_credentials, encrypt_credentials, load_secret
from publisher.services.operations.keys import rotate_key
from tests.ops.conftest import populate

OLD = "test-secret-key-0123456789"  # what the db fixture configures
EXPECTED = {
    "Trang Sở KH&CN": {"access_token": "EAAB-test-token"},
    "Kênh Telegram": {"bot_token": "123456:TEST-token"},
    "Zalo webhook": {"secret": "s3cret-webhook"},
}


def stored() -> dict[str, str]:
    with session_scope(readonly=True) as s:
        return {c.name: c.credentials_encrypted for c in s.exec(select(Channel))}


def test_rotation_reencrypts_every_channel(db: Any, clock: Any) -> None:
    populate(db.data_dir)
    before = stored()
    result = rotate_key(new_key="a-brand-new-key-for-2027")
    assert result.channels == 3
    assert result.from_env is True  # the fixture sets PUBLISHER_SECRET_KEY
    after = stored()
    for name, token in after.items():
        assert token != before[name]
        assert decrypt_credentials(token, "a-brand-new-key-for-2027") == EXPECTED[name]
        with pytest.raises(PublisherError) as err:
            decrypt_credentials(token, OLD)
        assert err.value.key == "error.secret_key_mismatch"
    key_file = get_settings().secret_key_file
    assert key_file.read_text() == "a-brand-new-key-for-2027"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not key_file.with_name("secret.key.new").exists()
    with session_scope(readonly=True) as s:
        events = list(s.exec(select(AuditEvent).where(AuditEvent.action == "system.rotate_key")))
    assert [e.after for e in events] == [{"channels": 3}]


def test_rotation_from_the_key_file_generates_a_key_the_services_then_read(
    db: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(db.data_dir)
    monkeypatch.delenv("PUBLISHER_SECRET_KEY")
    get_settings.cache_clear()
    get_settings().secret_key_file.write_text(OLD)
    load_secret.cache_clear()
    result = rotate_key()
    assert result.from_env is False
    assert len(result.new_key) >= 40
    assert load_secret() == result.new_key  # the installation now runs on the new key
    with session_scope(readonly=True) as s:
        for channel in s.exec(select(Channel)):
            assert decrypt_credentials(channel.credentials_encrypted) == EXPECTED[channel.name]


def test_a_channel_not_readable_with_the_current_key_stops_everything(db: Any, clock: Any) -> None:
    populate(db.data_dir)
    with session_scope() as s:
        channel = s.exec(select(Channel).where(Channel.name == "Zalo webhook")).one()
        channel.credentials_encrypted = encrypt_credentials({"secret": "x" * 10}, "other-key-1234")
        s.add(channel)
    before = stored()
    with pytest.raises(PublisherError) as err:
        rotate_key(new_key="a-brand-new-key-for-2027")
    assert err.value.key == "ops.key_old_unreadable"
    assert "Zalo webhook" in err.value.message("vi")
    assert stored() == before
    assert not get_settings().secret_key_file.exists()
    assert not get_settings().secret_key_file.with_name("secret.key.new").exists()


@pytest.mark.parametrize("new_key", ["short", OLD])
def test_bad_new_keys_are_refused(db: Any, clock: Any, new_key: str) -> None:
    populate(db.data_dir)
    before = stored()
    with pytest.raises(InvalidInput):
        rotate_key(new_key=new_key)
    assert stored() == before


def test_cli_prints_the_new_key_when_the_env_holds_the_key(db: Any, clock: Any) -> None:
    populate(db.data_dir)
    result = CliRunner().invoke(app, ["rotate-key", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["channels"] == 3 and data["from_env"] is True
    token = stored()["Kênh Telegram"]
    assert decrypt_credentials(token, data["new_key"]) == EXPECTED["Kênh Telegram"]
    refused = CliRunner().invoke(app, ["rotate-key", "--new-key", "short"])
    assert refused.exit_code == 1
    assert "quá ngắn" in refused.stderr
