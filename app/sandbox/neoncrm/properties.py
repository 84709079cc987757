"""``/properties/*`` a client needs to say whom it is connected to, and ``/customFields``."""

from __future__ import annotations

from app.sandbox.kit.replies import Reply
from app.sandbox.neoncrm import custom_fields, errors
from app.sandbox.neoncrm.account_store import individual_types
from app.sandbox.neoncrm.calls import Call, Env
from app.sandbox.neoncrm.errors import bad_request


def organization_profile(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        org = conn.execute(
            "SELECT name, trial FROM orgs WHERE org_id = ?", (call.org_id,)
        ).fetchone()
    host = "trial.neoncrm.com" if org["trial"] else "app.neoncrm.com"
    return Reply(
        200, {"name": org["name"], "orgId": call.org_id, "appUrl": f"https://{call.org_id}.{host}"}
    )


def current_system_user(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        user = conn.execute(
            "SELECT user_id, first, last FROM users WHERE user_id = ?", (call.user_id,)
        ).fetchone()
    return Reply(
        200,
        {
            "id": user["user_id"],
            "firstName": user["first"] or None,
            "lastName": user["last"] or None,
            "middleName": None,
        },
    )


def list_individual_types(env: Env, call: Call) -> Reply:
    with env.state.tx() as conn:
        types = individual_types(conn, call.org_id)
    return Reply(
        200, [{"id": type_id, "name": name, "status": "ACTIVE"} for type_id, name in types.items()]
    )


def list_custom_fields(env: Env, call: Call) -> Reply:
    category = call.params.get("category")
    if not category:
        raise bad_request(("99019", "category is required."))
    if category not in custom_fields.CATEGORIES:
        raise bad_request(errors.value_invalid("category"))
    with env.state.tx() as conn:
        fields = custom_fields.load(conn, call.org_id)
    return Reply(200, custom_fields.list_for(fields, category, call.version))
