"""The API route table: "METHOD /v3/template" -> handler and required scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.routing import Map, Rule

from app.sandbox.constant_contact import (
    activities,
    campaign_reports,
    contact_delete,
    contact_query,
    contacts,
    custom_fields,
    emails,
    events,
    json_import,
    list_activities,
    lists,
    signup,
    tracking,
)
from app.sandbox.constant_contact.calls import Call, Env
from app.sandbox.constant_contact.errors import Reply

Handler = Callable[[Env, Call], Reply]
CAMPAIGNS = "campaign_data"  # the scope of /emails and the email reports


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # e.g. "/v3/contacts/{contact_id}"
    handler: Handler
    scope: str = "contact_data"

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"


ROUTES = (
    Route("GET", "/v3/account/summary", signup.account_summary, "account_read"),
    Route("GET", "/v3/contact_lists", lists.get_lists),
    Route("POST", "/v3/contact_lists", lists.post_list),
    Route("GET", "/v3/contact_lists/{list_id}", lists.get_list),
    Route("PUT", "/v3/contact_lists/{list_id}", lists.put_list),
    Route("DELETE", "/v3/contact_lists/{list_id}", lists.delete_list),
    Route("GET", "/v3/contact_custom_fields", custom_fields.get_fields),
    Route("POST", "/v3/contact_custom_fields", custom_fields.post_field),
    Route("GET", "/v3/contact_custom_fields/{custom_field_id}", custom_fields.get_field),
    Route("PUT", "/v3/contact_custom_fields/{custom_field_id}", custom_fields.put_field),
    Route("DELETE", "/v3/contact_custom_fields/{custom_field_id}", custom_fields.delete_field),
    Route("GET", "/v3/contacts", contact_query.list_contacts),
    Route("POST", "/v3/contacts", contacts.create_contact),
    Route("GET", "/v3/contacts/counts", contact_query.contact_counts),
    Route("POST", "/v3/contacts/sign_up_form", signup.sign_up_form),
    Route("PUT", "/v3/contacts/resubscribe/{contact_id}", signup.resubscribe),
    Route("GET", "/v3/contacts/{contact_id}", contacts.get_contact),
    Route("PUT", "/v3/contacts/{contact_id}", contacts.update_contact),
    Route("DELETE", "/v3/contacts/{contact_id}", contacts.delete_contact),
    Route("GET", "/v3/activities", activities.list_activities),
    Route("GET", "/v3/activities/{activity_id}", activities.get_activity),
    Route("POST", "/v3/activities/contacts_json_import", json_import.start_import),
    Route("POST", "/v3/activities/add_list_memberships", list_activities.add_memberships),
    Route("POST", "/v3/activities/remove_list_memberships", list_activities.remove_memberships),
    Route("POST", "/v3/activities/contact_delete", contact_delete.start_delete),
    Route("GET", "/v3/emails", emails.list_emails, CAMPAIGNS),
    Route("GET", "/v3/emails/{campaign_id}", emails.get_email, CAMPAIGNS),
    Route(
        "GET",
        "/v3/emails/activities/{campaign_activity_id}",
        emails.get_email_activity,
        CAMPAIGNS,
    ),
    Route(
        "GET",
        "/v3/reports/summary_reports/email_campaign_summaries",
        campaign_reports.summaries,
        CAMPAIGNS,
    ),
    Route(
        "GET",
        "/v3/reports/stats/email_campaigns/{campaign_ids}",
        campaign_reports.campaign_stats,
        CAMPAIGNS,
    ),
    Route(
        "GET",
        "/v3/reports/stats/email_campaign_activities/{campaign_activity_ids}",
        campaign_reports.activity_stats,
        CAMPAIGNS,
    ),
    *(
        Route(
            "GET",
            f"/v3/reports/email_reports/{{campaign_activity_id}}/tracking/{name}",
            tracking.tracking_report(name),
            CAMPAIGNS,
        )
        for name in tracking.REPORTS
    ),
    Route(
        "GET",
        "/v3/reports/contact_reports/{contact_id}/activity_details",
        tracking.contact_activity,
    ),
    Route("GET", "/v3/events", events.list_events, CAMPAIGNS),
    Route("GET", "/v3/events/{event_id}", events.get_event, CAMPAIGNS),
    Route(
        "GET",
        "/v3/events/{event_id}/tracks/{track_id}/registrations",
        events.registrations,
        CAMPAIGNS,
    ),
)

PROCESSORS = {
    "contacts_json_import": json_import.process,
    "add_list_memberships": list_activities.process_add,
    "remove_list_memberships": list_activities.process_remove,
    "list_delete": list_activities.process_list_delete,
    "contact_delete": contact_delete.process_delete,
}


def build_map() -> Map:
    """A werkzeug Map whose endpoints are the Route objects (static segments win)."""
    rules = []
    for route in ROUTES:
        pattern = route.template.replace("{", "<").replace("}", ">")
        rules.append(Rule(pattern, endpoint=route, methods=[route.method], strict_slashes=False))
    return Map(rules, merge_slashes=False)
