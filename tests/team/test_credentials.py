"""Secrets for team servers live in the keyring only; without one, nothing is kept anywhere."""

from __future__ import annotations

import os

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from explorer.team.credentials import (
    NO_KEYRING,
    SERVICE,
    CredentialsError,
    forget,
    keyring_available,
    recall,
    remember,
)

SERVER = "https://maps.example.org/sparql"


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict, so no test touches the real one."""

    priority = 1  # type: ignore[assignment]
    # keyring's own detection weighs every subclass it knows of; this one must never be chosen by it.
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        if self.kept.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not kept")


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but refuses every use, as a locked one does."""

    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service, username, password):
        raise keyring.errors.PasswordSetError("locked")


@pytest.fixture
def use_keyring():
    """Install a backend for one test and put the machine's back afterwards."""
    before = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(before)


@pytest.fixture
def memory(use_keyring) -> MemoryKeyring:
    backend = MemoryKeyring()
    use_keyring(backend)
    return backend


def test_a_secret_is_kept_per_user_and_server_and_forgotten(memory):
    assert keyring_available()
    remember(SERVER, "ann", "ann's secret")
    remember(SERVER, "bob", "bob's secret")
    remember(SERVER + "/", "", "a token")  # a token has no user; a trailing slash names the same server
    assert recall(SERVER, "ann") == "ann's secret"
    assert recall(SERVER, "bob") == "bob's secret"
    assert recall(SERVER, "") == "a token"
    assert recall("https://other.example.org/sparql", "ann") is None
    assert set(memory.kept) == {(SERVICE, f"ann@{SERVER}"), (SERVICE, f"bob@{SERVER}"), (SERVICE, SERVER)}

    remember(SERVER, "ann", "a new secret")
    assert recall(SERVER, "ann") == "a new secret"
    forget(SERVER, "ann")
    forget(SERVER, "ann")  # forgetting twice is no error
    assert recall(SERVER, "ann") is None
    assert recall(SERVER, "bob") == "bob's secret"


def test_without_a_keyring_nothing_is_kept_and_the_reason_is_given(use_keyring, tmp_path, monkeypatch):
    use_keyring(fail.Keyring())
    # Where a fallback would write: the home and data folders, empty at the start.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert not keyring_available()
    with pytest.raises(CredentialsError) as refused:
        remember(SERVER, "ann", "ann's secret")
    assert str(refused.value) == NO_KEYRING
    assert "asked each time" in NO_KEYRING
    assert recall(SERVER, "ann") is None
    forget(SERVER, "ann")
    assert not any(os.scandir(tmp_path)), "something was written"


def test_a_file_based_keyring_counts_as_none(use_keyring, monkeypatch):
    """keyrings.alt keeps secrets in a plain file: the fallback the app refuses."""

    class FileKeyring(MemoryKeyring):
        pass

    monkeypatch.setattr(FileKeyring, "__module__", "keyrings.alt.file")
    use_keyring(FileKeyring())
    assert not keyring_available()
    with pytest.raises(CredentialsError):
        remember(SERVER, "ann", "ann's secret")


def test_a_locked_keyring_means_asking_and_a_refusal_is_said(use_keyring):
    use_keyring(LockedKeyring())
    assert keyring_available()
    assert recall(SERVER, "ann") is None
    with pytest.raises(CredentialsError, match="the keyring did not keep the password"):
        remember(SERVER, "ann", "ann's secret")
