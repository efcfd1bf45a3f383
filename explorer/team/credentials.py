"""Passwords and tokens for team servers, kept in the operating system's keyring and nowhere else.

A secret is stored under the service ``routine-explorer`` and an account naming the user and the
server (``ann@https://maps.example.org/sparql``). Where the computer has no keyring (keyring's
``fail`` or ``null`` backend, or only a file-based one from ``keyrings.alt``), nothing is kept: the
app asks for the secret each time and says why (:data:`NO_KEYRING`). There is deliberately no
fallback to a file, the settings or the map.

Examples
--------
>>> account("https://maps.example.org/sparql/", "ann")
'ann@https://maps.example.org/sparql'
>>> account("https://maps.example.org/sparql", "")
'https://maps.example.org/sparql'
"""

from __future__ import annotations

from ..core.errors import ExplorerError

# keyring is imported by each function here, not at start: with what it brings it was a ninth of a second
# of every start, for a map on a server.

#: The keyring service every secret of the app is stored under.
SERVICE = "routine-explorer"

#: Why the app asks for the password each time, in the words it shows.
NO_KEYRING = (
    "this computer has no keyring the app can use, so passwords are not remembered; "
    "you will be asked each time you connect"
)


class CredentialsError(ExplorerError):
    """The keyring could not keep or forget a secret."""


def account(endpoint_address: str, user: str) -> str:
    """The keyring account of ``user`` on the server at ``endpoint_address`` (the address alone for a token).

    Examples
    --------
    >>> account(" http://127.0.0.1:8890/sparql ", "editor")
    'editor@http://127.0.0.1:8890/sparql'
    """
    address = endpoint_address.strip().rstrip("/")
    return f"{user}@{address}" if user else address


def _usable(backend) -> bool:
    from keyring.backends import chainer, fail, null

    if isinstance(backend, chainer.ChainerBackend):
        return any(_usable(one) for one in backend.backends)
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return False
    # keyrings.alt keeps secrets in a file in the user's folder: that is the fallback we refuse.
    return not type(backend).__module__.startswith("keyrings.alt")


def keyring_available() -> bool:
    """Whether secrets can be remembered (the system has a keyring the app will use).

    Examples
    --------
    >>> isinstance(keyring_available(), bool)
    True
    """
    import keyring

    return _usable(keyring.get_keyring())


def remember(endpoint_address: str, user: str, secret: str) -> None:
    """Keep ``secret`` for ``user`` on the server in the keyring, replacing any kept before.

    Raises
    ------
    CredentialsError
        When there is no keyring (:data:`NO_KEYRING`) or it refused (locked, denied).

    Examples
    --------
    >>> remember("https://maps.example.org/sparql", "ann", "s3cret")  # doctest: +SKIP
    """
    import keyring.errors

    if not keyring_available():
        raise CredentialsError(NO_KEYRING)
    try:
        keyring.set_password(SERVICE, account(endpoint_address, user), secret)
    except keyring.errors.KeyringError as err:
        raise CredentialsError(f"the keyring did not keep the password ({err or type(err).__name__})") from None


def recall(endpoint_address: str, user: str) -> str | None:
    """The secret kept for ``user`` on the server, or None (nothing kept, no keyring, or it is locked).

    Examples
    --------
    >>> recall("https://nowhere.example.org/sparql", "nobody-kept-this") is None
    True
    """
    import keyring.errors

    if not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, account(endpoint_address, user))
    except keyring.errors.KeyringError:
        return None  # a locked or refusing keyring: the app asks, as it does without one


def forget(endpoint_address: str, user: str) -> None:
    """Remove the secret kept for ``user`` on the server; nothing happens when none is kept.

    Raises
    ------
    CredentialsError
        When the keyring holds the secret but would not remove it.

    Examples
    --------
    >>> forget("https://nowhere.example.org/sparql", "nobody-kept-this")
    """
    import keyring.errors

    if not keyring_available():
        return
    name = account(endpoint_address, user)
    try:
        if keyring.get_password(SERVICE, name) is None:
            return
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        return
    except keyring.errors.KeyringError as err:
        raise CredentialsError(f"the keyring did not forget the password ({err or type(err).__name__})") from None
