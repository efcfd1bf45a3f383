"""The dialog that connects to a team server: its address, how to sign in, and whether to only read.

The last servers used are remembered in the settings (address, sign-in method, user name,
read-only), most recent first; the password or token never is. It is kept in the system
keyring when the user ticks "Remember", through :mod:`explorer.team.credentials`, and asked
for each time where there is no keyring. "Connect" tries the server in a worker thread, so
a wrong password or a server that is down is said in the dialog, not after it closed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from explorer.core.errors import ExplorerError
from explorer.team import changelog, credentials
from explorer.team.endpoint import Endpoint, SparqlClient
from explorer.ui.common import settings
from explorer.ui.common.workers import run_task

#: How many servers the address box remembers.
RECENT_SERVERS = 8
_KEY = "team/servers"
_NAME_KEY = "team/author_name"

#: The sign-in methods as the dialog offers them, with the name the endpoint takes.
SIGN_IN = (
    ("none", "No sign-in"),
    ("basic", "User name and password"),
    ("digest", "User name and password (digest)"),
    ("bearer", "Access token"),
)


@dataclass(frozen=True)
class ServerProfile:
    """A server as the settings remember it: never its secret.

    Examples
    --------
    >>> ServerProfile.from_dict({"address": "http://h:7878", "auth": "basic", "user": "ann"}).user
    'ann'
    >>> ServerProfile.from_dict({"address": 3}) is None
    True
    """

    address: str
    auth: str = "none"
    user: str = ""
    read_only: bool = False

    @classmethod
    def from_dict(cls, data) -> ServerProfile | None:
        """The profile in ``data`` (read from the settings), or None if it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("address"), str):
            return None
        auth = data.get("auth") if data.get("auth") in dict(SIGN_IN) else "none"
        user = data.get("user") if isinstance(data.get("user"), str) else ""
        return cls(data["address"], auth, user, bool(data.get("read_only", False)))


def recent_servers() -> list[ServerProfile]:
    """The servers connected to lately, most recent first."""
    try:
        rows = json.loads(settings().value(_KEY, "[]") or "[]")
    except (TypeError, ValueError):
        return []
    found = [ServerProfile.from_dict(row) for row in rows] if isinstance(rows, list) else []
    return [p for p in found if p is not None]


def profile_for(address: str) -> ServerProfile | None:
    """The remembered profile of the server at ``address``, if any."""
    wanted = address.rstrip("/")
    return next((p for p in recent_servers() if p.address.rstrip("/") == wanted), None)


def profile_serving(query_url: str) -> ServerProfile | None:
    """The remembered profile whose query service is ``query_url`` (how a working copy names its server)."""
    for profile in recent_servers():
        try:
            if Endpoint.for_server(profile.address).query_url == query_url:
                return profile
        except ExplorerError:
            continue
    return None


def remember_server(profile: ServerProfile) -> None:
    """Put ``profile`` first in the recent servers (the secret is not part of it)."""
    kept = [p for p in recent_servers() if p.address.rstrip("/") != profile.address.rstrip("/")]
    rows = [vars(p) for p in [profile, *kept][:RECENT_SERVERS]]
    settings().setValue(_KEY, json.dumps(rows))


def author_name() -> str:
    """The name this person signs their changes with (remembered in the settings)."""
    return str(settings().value(_NAME_KEY, "") or "")


def endpoint_for(profile: ServerProfile, secret: str = "") -> Endpoint:
    """The endpoint of ``profile``, holding ``secret``.

    Examples
    --------
    >>> endpoint_for(ServerProfile("http://127.0.0.1:7878", read_only=True)).read_only
    True
    """
    return Endpoint.for_server(
        profile.address, auth=profile.auth, user=profile.user, secret=secret, read_only=profile.read_only
    )


def saved_secret(profile: ServerProfile) -> str:
    """The secret the keyring holds for ``profile`` ("" when none, or no sign-in is needed)."""
    if profile.auth == "none" or not credentials.keyring_available():
        return ""
    try:
        return credentials.recall(profile.address, profile.user) or ""
    except ExplorerError:
        return ""


class ConnectionDialog(QDialog):
    """Where the team server is and how to sign in; :attr:`endpoint` holds the connection once accepted."""

    def __init__(self, parent=None, *, address: str = "", title: str = "Connect to a Team Server") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.endpoint: Endpoint | None = None
        self.profile: ServerProfile | None = None
        #: What went wrong beside a connection that worked (the keyring refused), for the window to say.
        self.warning = ""
        #: What the server did with simultaneous changes, found when connecting (for the status bar).
        self.engine = ""
        self._task = None
        self._has_keyring = credentials.keyring_available()

        self.address = QComboBox(self)
        self.address.setEditable(True)
        self.address.setAccessibleName("Server address")
        self.address.lineEdit().setPlaceholderText("http://server:7878 or https://server/sparql")
        for p in recent_servers():
            self.address.addItem(p.address)
        self.method = QComboBox(self)
        self.method.setAccessibleName("Sign-in method")
        for key, text in SIGN_IN:
            self.method.addItem(text, key)
        self.user = QLineEdit(self)
        self.user.setAccessibleName("User name")
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Password")
        self.keep = QCheckBox("Remember in the system keyring", self)
        self.keyring_note = QLabel(self)
        self.keyring_note.setWordWrap(True)
        if not self._has_keyring:
            self.keep.setEnabled(False)
            self.keyring_note.setText(credentials.NO_KEYRING[:1].upper() + credentials.NO_KEYRING[1:] + ".")
        self.keyring_note.setVisible(not self._has_keyring)
        self.read_only = QCheckBox("Read only: look at the maps without changing them", self)
        self.name = QLineEdit(author_name(), self)
        self.name.setAccessibleName("Your name")
        self.name.setPlaceholderText("How your changes are signed in the history")
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setAccessibleName("Connection problem")
        self.error.hide()

        form = QFormLayout()
        form.addRow("&Server:", self.address)
        form.addRow("Sign &in:", self.method)
        self.user_label = QLabel("&User name:", self)
        self.user_label.setBuddy(self.user)
        form.addRow(self.user_label, self.user)
        self.secret_label = QLabel("&Password:", self)
        self.secret_label.setBuddy(self.secret)
        form.addRow(self.secret_label, self.secret)
        form.addRow("", self.keep)
        form.addRow("", self.keyring_note)
        form.addRow("", self.read_only)
        form.addRow("Your &name:", self.name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.connect_button = self.buttons.addButton("&Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setDefault(True)
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.method.currentIndexChanged.connect(self._method_changed)
        self.address.currentTextChanged.connect(self._address_changed)
        if address:
            self.address.setCurrentText(address)
        self._address_changed(self.address.currentText())
        self._method_changed()

    # ------------------------------------------------------------------ form
    def _method_changed(self) -> None:
        method = self.method.currentData()
        self.user.setEnabled(method in ("basic", "digest"))
        self.user_label.setEnabled(method in ("basic", "digest"))
        self.secret.setEnabled(method != "none")
        self.secret_label.setEnabled(method != "none")
        token = method == "bearer"
        self.secret_label.setText("&Token:" if token else "&Password:")
        self.secret.setAccessibleName("Token" if token else "Password")
        self.keep.setEnabled(self._has_keyring and method != "none")

    def _address_changed(self, text: str) -> None:
        """Fill in what the settings remember of this server (never its secret, which the keyring may hold)."""
        profile = profile_for(text.strip())
        if profile is None:
            return
        self.method.setCurrentIndex(max(0, self.method.findData(profile.auth)))
        self.user.setText(profile.user)
        self.read_only.setChecked(profile.read_only)
        secret = saved_secret(profile)
        self.secret.setText(secret)
        self.keep.setChecked(bool(secret))

    def chosen_profile(self) -> ServerProfile:
        """The server as filled in."""
        method = self.method.currentData()
        user = self.user.text().strip() if method in ("basic", "digest") else ""
        return ServerProfile(self.address.currentText().strip(), method, user, self.read_only.isChecked())

    # ------------------------------------------------------------------ connecting
    def try_connect(self) -> None:
        """Check the server answers with these credentials (in a worker); accept when it does."""
        profile = self.chosen_profile()
        if not profile.address:
            self._say("Type the server's address, for example http://server:7878.")
            return
        try:
            endpoint = endpoint_for(profile, self.secret.text() if profile.auth != "none" else "")
        except ExplorerError as err:
            self._say(str(err))
            return

        def work(progress):
            with SparqlClient(endpoint) as client:
                client.ask("ASK { }")
            # What the server guarantees when several people publish at once, said when connecting.
            return endpoint, (None if endpoint.read_only else changelog.check_engine(endpoint))

        self.error.hide()
        self.connect_button.setEnabled(False)
        self.connect_button.setText("Connecting…")
        self._task = run_task(
            f"Connecting to {profile.address}…",
            work,
            parent=self,
            cancellable=False,
            on_success=lambda found: self._connected(profile, *found),
            on_failure=self._failed,
        )

    def _failed(self, error) -> None:
        self.connect_button.setEnabled(True)
        self.connect_button.setText("&Connect")
        self._say(str(error) if isinstance(error, ExplorerError) else f"{type(error).__name__}: {error}")

    def _connected(self, profile: ServerProfile, endpoint: Endpoint, check=None) -> None:
        self.connect_button.setEnabled(True)
        self.connect_button.setText("&Connect")
        remember_server(profile)
        settings().setValue(_NAME_KEY, self.name.text().strip())
        if profile.auth != "none" and self._has_keyring:
            try:
                if self.keep.isChecked():
                    credentials.remember(profile.address, profile.user, self.secret.text())
                else:
                    credentials.forget(profile.address, profile.user)
            except ExplorerError as err:
                self.warning = f"Connected, but the keyring did not keep the password: {err}"
        self.profile, self.endpoint = profile, endpoint
        self.engine = check.text() if check is not None else "A read-only connection: your edits stay on this computer."
        self.accept()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
