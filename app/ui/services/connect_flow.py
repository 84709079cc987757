"""A service panel's connection: its status line, its connect row, and the sign-in that runs
in a worker until it is done, cancelled or failed.

Each service panel in ``app/ui/services/<kind>/`` owns one ``ConnectFlow`` and tells it what
differs: the connector kind, what the status line says in the service's own name
(``ConnectWords``), the form whose secrets are forgotten once the keyring holds them, the
source settings that belong to one account, and what the panel does with the connection
made. Nothing here names a service: a test keeps each service's name in its own folders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.core.errors import AppError, Cancelled
from app.core.store_types import Connection, ConnectionStatus
from app.ui.profile_wizard import flow
from app.ui.profile_wizard.tasks import Task

if TYPE_CHECKING:  # the wizard's pages load the service panels: no import back at run time
    from app.ui.profile_wizard.pages.base import WizardContext

Describe = Callable[[Connection], str]


@dataclass(frozen=True)
class ConnectWords:
    """What a panel's connection says, in the service's own name (already translated).

    Attributes:
        name: the service as its users know it ("Connect to <name>", "<name> could not be
            reached", "Not connected to <name> yet.").
        expired: the status line while the service asks to connect again.
        connected: the status line once connected.
        recheck: the connect button once connected ("Check the &connection again").
        waiting: the status line while connecting; empty: "Connecting to <name>…".
        again: the wizard's note while the service asks to connect again; empty:
            "<name> asks you to connect again.".
        working: the busy bar's accessible name; empty: "Working with <name>".
        details: the status line's tooltip once connected; None: no tooltip.
    """

    name: str
    expired: Describe
    connected: Describe
    recheck: str
    waiting: str = ""
    again: str = ""
    working: str = ""
    details: Describe | None = None


class ConnectFlow(QObject):
    """A service panel's connection, and the sign-in that changes it; owned by the panel.

    The panel lays out ``status_label`` and ``row`` (the connect button, the busy bar and, if
    a sign-in can be cancelled, the cancel button) before it is shown. It calls ``start()``
    from its ``start_connect`` and ``use()`` first in its own ``_use_connection``; its
    ``refresh`` callback sets the busy state: ``show_busy()`` for these widgets, ``ready``
    for the panel's own choices.
    """

    def __init__(
        self,
        panel: QWidget,
        ctx: WizardContext,
        kind: str,
        words: ConnectWords,
        *,
        on_connected: Callable[[Connection], None],
        refresh: Callable[[], None],
        changed: Callable[[], None],
        forget: Callable[[], None] | None = None,
        forget_in_sandbox: bool = False,
        per_account: Sequence[str] = (),
        cancellable: bool = True,
    ) -> None:
        """Build the status line and the connect row, for ``panel`` to lay out.

        Args:
            panel: the service panel that owns this flow and its widgets.
            ctx: the wizard's context: its draft, its task runner, the service facade.
            kind: the connector kind the panel connects.
            words: what the status line and the messages say.
            on_connected: takes a connection just made (the panel's ``_use_connection``).
            refresh: sets the busy state of the panel's widgets (the panel's ``_set_busy``).
            changed: tells the page to check the panel again (``source_changed.emit``).
            forget: empties the connection form's secrets once a sign-in has put them in the
                keyring.
            forget_in_sandbox: forget them in sandbox mode too, where the form may hold the
                sample account's secrets for the next sign-in.
            per_account: source settings that belong to one account: dropped when a sign-in
                makes another connection than the one the draft names.
            cancellable: show a "Cancel connecting" button while signing in.
        """
        super().__init__(panel)
        self._ctx = ctx
        self._kind = kind
        self._words = words
        self._on_connected = on_connected
        self._refresh = refresh
        self._changed = changed
        self._forget = forget
        self._forget_in_sandbox = forget_in_sandbox
        self._per_account = tuple(per_account)
        self._task: Task | None = None
        self.connection: Connection | None = None

        # No parent yet: each widget takes the panel as parent where the panel lays it out,
        # so the tab order and the screen reader's order follow the layout (a form the panel
        # puts between the status line and the row comes before the connect button).
        name = words.name
        self.status_label = QLabel()
        self.status_label.setAccessibleName(self.tr("{name} connection status").format(name=name))
        self.status_label.setWordWrap(True)
        self.connect_button = QPushButton(self.tr("Connect to &{name}").format(name=name))
        self.connect_button.setAccessibleName(self.tr("Connect to {name}").format(name=name))
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setAccessibleName(
            words.working or self.tr("Working with {name}").format(name=name)
        )
        self.busy_bar.setVisible(False)
        self.row = QHBoxLayout()
        self.row.addWidget(self.connect_button)
        self.row.addWidget(self.busy_bar)
        self.cancel_button: QPushButton | None = None
        if cancellable:
            self.cancel_button = QPushButton(self.tr("Cancel connecting"))
            self.cancel_button.setAccessibleName(
                self.tr("Cancel connecting to {name}").format(name=name)
            )
            self.cancel_button.setVisible(False)
            self.cancel_button.clicked.connect(self.cancel)
            self.row.addWidget(self.cancel_button)
        self.row.addStretch(1)

    # -- state -----------------------------------------------------------------------------

    @property
    def connecting(self) -> bool:
        """A sign-in is under way."""
        return self._task is not None

    @property
    def ready(self) -> bool:
        """Connected, and no sign-in under way: the panel's choices can be used."""
        conn = self.connection
        return conn is not None and conn.status == ConnectionStatus.CONNECTED and self._task is None

    def problems(self) -> dict[str, str]:
        """What keeps the wizard from going on, as far as the connection goes."""
        name = self._words.name
        if self._task is not None:
            return {
                "source_connection": self.tr("Finish connecting to {name} first.").format(name=name)
            }
        conn = self.connection
        if conn is not None and conn.status != ConnectionStatus.CONNECTED:
            again = self._words.again or self.tr("{name} asks you to connect again.").format(
                name=name
            )
            return {"source_connection": again}
        return {}

    def saved(self) -> Connection | None:
        """The connection the draft names, else the first connected one, else the first."""
        connections = self._ctx.service.connections.connections_of(self._kind)
        wanted = self._ctx.draft.source_settings.get("connection_id")
        named = next((c for c in connections if c.id == wanted), None)
        if named is not None:
            return named
        return next(
            (c for c in connections if c.status == ConnectionStatus.CONNECTED),
            connections[0] if connections else None,
        )

    # -- the sign-in -------------------------------------------------------------------------

    def start(
        self,
        label: str,
        connection_id: int | None,
        *,
        account_id: str | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        """Sign in in a worker (nothing if a sign-in is under way).

        Args:
            label: the new connection's label.
            connection_id: the connection to sign in to again; None for a new one.
            account_id: which of the accounts the sign-in allows to use.
            options: what the connection form asked for.
        """
        if self._task is not None:
            return
        connections, kind = self._ctx.service.connections, self._kind
        self._task = self._ctx.runner.run(
            lambda cancel: connections.connect_source(
                kind, label, cancel, connection_id, account_id, options=options
            ),
            self._done,
            self._failed,
        )
        self.status_label.setText(
            self._words.waiting or self.tr("Connecting to {name}…").format(name=self._words.name)
        )
        self._refresh()
        self._changed()

    def cancel(self) -> None:
        """Give up the sign-in under way; the status line shows the connection as it was."""
        self.stop()
        self._refresh()
        self.show_status()
        self._changed()

    def stop(self) -> None:
        """Drop the sign-in under way, quietly (the panel is closing or giving way)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _done(self, conn: Connection) -> None:
        self._task = None
        if self._forget is not None and (self._forget_in_sandbox or not self._ctx.service.sandbox):
            self._forget()
        settings = self._ctx.draft.source_settings
        if conn.id != settings.get("connection_id"):
            for key in self._per_account:  # another account's choices
                settings.pop(key, None)
        self._on_connected(conn)

    def _failed(self, error: Exception) -> None:
        self._task = None
        self._refresh()
        self.show_status()
        if not isinstance(error, Cancelled):
            self.show_failure(error)

    # -- the connection in use ---------------------------------------------------------------

    def use(self, conn: Connection | None) -> None:
        """Take ``conn`` as the panel's connection, in the draft and on the status line."""
        self.connection = conn
        settings = self._ctx.draft.source_settings
        if conn is not None:
            settings["connection_id"] = conn.id
        else:
            settings.pop("connection_id", None)
        self.show_status()

    def show_status(self) -> None:
        """The status line and the connect button, for the connection in use."""
        conn, words = self.connection, self._words
        tip = ""
        if conn is None:
            text = self.tr("Not connected to {name} yet.").format(name=words.name)
            button = self.tr("Connect to &{name}").format(name=words.name)
        elif conn.status != ConnectionStatus.CONNECTED:
            text = words.expired(conn)
            button = self.tr("Connect to &{name} again").format(name=words.name)
        else:
            text, button = words.connected(conn), words.recheck
            tip = words.details(conn) if words.details is not None else ""
        self.status_label.setText(text)
        self.status_label.setToolTip(tip)
        self.connect_button.setText(button)

    def show_busy(self, busy: bool, *also: QWidget) -> None:
        """The busy bar (any of the panel's work), and what a sign-in under way disables: the
        connect button and ``also`` (the connection form)."""
        connecting = self._task is not None
        self.busy_bar.setVisible(busy)
        if self.cancel_button is not None:
            self.cancel_button.setVisible(connecting)
        for widget in (self.connect_button, *also):
            widget.setEnabled(not connecting)

    # -- failures ----------------------------------------------------------------------------

    def message(self, error: Exception) -> str:
        """What went wrong, in words for the user, naming the service when the error does
        not."""
        if isinstance(error, AppError):
            return error.message
        return self.tr("{name} could not be reached ({error}).").format(
            name=self._words.name, error=error
        )

    def show_failure(self, error: Exception) -> None:
        """Show what went wrong where the preview would be, and have the page check again."""
        flow.clear_source(self._ctx.draft, self.message(error))
        self._changed()
