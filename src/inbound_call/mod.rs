//! HubSpot's inbound-call API in HubSpot's own vocabulary, without HTTP:
//! `POST /crm/v3/extensions/calling/inbound-call` takes a `CompletedThirdPartyCallRequest`
//! (`request`: read and checked field by field), its caller is matched against the portal's
//! contacts and companies by number (`caller_id`, with `phone`: numbers normalised to E.164 with
//! libphonenumber and the portal's default country), and with `createEngagement` it becomes a
//! call engagement in the portal's CRM (`engagement`: the call's properties, `status`:
//! `finalCallStatus` onto `hs_call_status`, `write`: created, or updated when the external id is
//! known). Like the webhook's replies, what the app sends is judged the way HubSpot would treat
//! it (`judge`: findings on the request, and on any call engagement an app writes), and each
//! call is reported to a journal (`report`). A portal's CRM is shown with its calls judged the
//! same way (`crm_view`).

#[macro_use]
mod wire_enum;

pub mod caller_id;
pub mod crm_view;
pub mod engagement;
pub mod judge;
pub mod phone;
pub mod report;
pub mod request;
pub mod status;
pub mod strict_json;
pub mod write;
pub mod write_report;

/// The OAuth scopes the inbound-call API takes (one of them), as HubSpot's spec lists them.
pub const REQUIRED_SCOPES: &[&str] = &[
    "crm.objects.contacts.write",
    "crm.objects.contacts.sensitive.write.v2",
    "crm.objects.contacts.highly_sensitive.write.v2",
    "crm.schemas.contacts.write",
];

pub use caller_id::{CallerIdMatch, ObjectCoordinates};
pub use report::{CallReport, EngagementOutcome};
pub use request::{InboundCall, PhoneNumberType, ReportedNumber};
pub use status::FinalCallStatus;
pub use write_report::CallWriteReport;
