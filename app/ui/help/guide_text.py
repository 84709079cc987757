"""The getting-started guide's text, as HTML for a ``QTextBrowser``.

Each section has an anchor (``#first-sync``, ``#profiles``...) so a button elsewhere can open
the guide at the part it is about.
"""

from __future__ import annotations

from app.ui.i18n import tr
from app.ui.service_views import sources_in_words

SECTIONS = (
    "first-sync",
    "profiles",
    "schedules",
    "unsubscribes",
    "sandbox",
    "undo",
    "log",
)


def guide_html(log_folder: str, sandbox: bool) -> str:
    """The whole guide; ``log_folder`` is where this copy of ContactBridge writes its log."""
    here = (
        tr(
            "<p><b>You are in the sandbox now.</b> The contacts, the Constant Contact account "
            "and the sample profile are practice copies: nothing reaches a real account.</p>"
        )
        if sandbox
        else ""
    )
    return (
        tr(
            """
<h2>Getting started with ContactBridge</h2>
<p>ContactBridge copies the contacts you keep (%SOURCES%) to a
list in Constant Contact, and keeps that list up to date.</p>
%SANDBOX%
<h3 id="first-sync"><a name="first-sync"></a>Your first sync</h3>
<ol>
<li><b>Connect Constant Contact</b>: <i>File › Connections…</i>, then <i>Connect</i>, and sign
in in your browser.</li>
<li><b>Make a profile</b>: <i>New profile…</i> on the toolbar. Choose your file (or service),
check how its columns match Constant Contact's fields, and pick the list.</li>
<li>On the last step, press <b>Preview first</b> to see what would change without changing
anything, or <b>Sync now</b>.</li>
<li>Read the results: every record is <i>created</i>, <i>updated</i>, <i>unchanged</i>,
<i>not pushed</i> (with the reason) or <i>failed</i> (with the reason). Double-click a record
to see what was sent and what Constant Contact holds.</li>
</ol>
<h3 id="profiles"><a name="profiles"></a>Profiles</h3>
<p>A <b>sync profile</b> joins one source to one Constant Contact list. Make one for each file
or service you keep contacts in. <i>Edit…</i> changes it; <i>Profiles › Duplicate</i>,
<i>Export…</i> and <i>Import…</i> copy it. Deleting a profile never deletes contacts.</p>
<h3 id="schedules"><a name="schedules"></a>Schedules</h3>
<p>A profile syncs when you press <b>Sync Now</b>, or on the schedule you set in its last steps
(every hour, every day...). Scheduled syncs start after your first sync of that profile. With
<i>File › Run schedules when ContactBridge is closed…</i> your computer runs them even when the
window is closed.</p>
<h3 id="unsubscribes"><a name="unsubscribes"></a>Unsubscribes: consent comes first</h3>
<p>ContactBridge <b>never re-subscribes anyone</b>. A person who unsubscribed, in Constant
Contact or in your records, is never created, put back on a list or subscribed again: the
results list them as <i>not pushed</i>, with the reason. Only the person can opt back in, from
one of your emails or your sign-up form.</p>
<h3 id="sandbox"><a name="sandbox"></a>The sandbox</h3>
<p>Start ContactBridge with <code>--sandbox</code> to practise: it works with a built-in copy of
Constant Contact and a sample bakery's customers. Try <b>Dry run</b> and <b>Sync Now</b> on
the sample profile, edit the sample file and sync again. Nothing reaches a real account.</p>
<h3 id="undo"><a name="undo"></a>Undo</h3>
<p>Changed your mind? <i>Run history…</i>, choose a sync, then <b>Undo this run…</b>. It shows
every change it will put back before it does anything. It never re-subscribes anyone.</p>
<h3 id="log"><a name="log"></a>Where the log is</h3>
<p>Every run writes what it did to a log (no passwords or tokens in it):<br>
<code>%LOG%</code><br>
<i>Settings… › Open log folder</i> opens it. Send it along when you ask for help.</p>
"""
        )
        .replace("%SANDBOX%", here)
        .replace("%SOURCES%", sources_in_words())
        .replace("%LOG%", log_folder)
    )
