//! HubSpot's inbound-call API in HubSpot's own vocabulary, without HTTP or state:
//! `POST /crm/v3/extensions/calling/inbound-call` takes a `CompletedThirdPartyCallRequest`
//! (`request`: read and checked field by field), its caller is matched against the portal's
//! contacts and companies by number (`phone`: numbers normalised to E.164 with libphonenumber
//! and the portal's default country), and with `createEngagement` it becomes a call engagement
//! (`engagement`: the call's properties, `status`: `finalCallStatus` onto `hs_call_status`). Like
//! the webhook's replies, what the app sends is judged the way HubSpot would treat it
//! (`judge`: findings on the request, and on any call engagement an app writes).

pub mod engagement;
pub mod judge;
pub mod phone;
pub mod request;
pub mod status;

pub use request::{InboundCall, PhoneNumberType, ReportedNumber};
pub use status::FinalCallStatus;
