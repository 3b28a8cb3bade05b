//! The messages of HubSpot's calling-extensions SDK (`@hubspot/calling-extensions-sdk@0.9.7`), both
//! ways, with the fields of their `data` as the SDK's TypeScript types declare them
//! (`src/types.ts`, `src/Constants.ts`). What HubSpot sends is partly unpublished; those payloads
//! are the emulator's assumptions (docs/calling-widget.md names each).
//!
//! Each field carries the severity of getting it wrong, which follows what HubSpot would do
//! without it: `error` when HubSpot cannot act on the message (no call id on a call it must log,
//! no caller number to match), `warning` when it copes but something is lost.

use crate::webhook::Severity;

/// What a field's value must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A JSON string.
    Text,
    /// Any JSON number (sizes).
    Number,
    /// A whole JSON number (ids, Unix milliseconds).
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A whole number or a string (`OnCallCompleted.engagementId: number | string`).
    IntegerOrText,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// An object with these fields.
    Object(&'static [Field]),
    /// Anything (`CALL_DATA`).
    Any,
}

impl FieldType {
    /// How the fix names the expected type: `a string`, `one of "0-1", "0-2"`.
    pub fn describe(self) -> String {
        match self {
            FieldType::Text => "a string".into(),
            FieldType::Number => "a number".into(),
            FieldType::Integer => "a whole number".into(),
            FieldType::Boolean => "true or false".into(),
            FieldType::IntegerOrText => "a whole number or a string".into(),
            FieldType::Choice(options) => format!(
                "one of {}",
                options
                    .iter()
                    .map(|o| format!("{o:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            FieldType::Object(_) => "an object".into(),
            FieldType::Any => "any JSON value".into(),
        }
    }
}

/// One field of a message's `data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    /// How bad a missing (when required) or mistyped value is.
    pub severity: Severity,
    /// What HubSpot does with it: the fix's reason.
    pub used_for: &'static str,
}

const fn field(
    name: &'static str,
    ty: FieldType,
    required: bool,
    severity: Severity,
    used_for: &'static str,
) -> Field {
    Field {
        name,
        ty,
        required,
        severity,
        used_for,
    }
}

use Severity::{Error as E, Warning as W};

/// Who sends a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sender {
    /// The app (`thirdPartyToHostEvents`, `ERROR`, `SET_WIDGET_URL`, `SYNC_ACK`).
    App,
    /// HubSpot (`hostToThirdPartyEvents`, `END_CALL`, `SYNC`, `SET_CALL_STATE`).
    HubSpot,
}

/// One message type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageSpec {
    pub name: &'static str,
    pub sender: Sender,
    /// The SDK method that sends it (`outgoingCall`) or the app's handler that receives it
    /// (`onDialNumber`).
    pub method: &'static str,
    pub fields: &'static [Field],
    /// The message that replaces a deprecated one.
    pub replaced_by: Option<&'static str>,
}

const fn message(
    name: &'static str,
    sender: Sender,
    method: &'static str,
    fields: &'static [Field],
) -> MessageSpec {
    MessageSpec {
        name,
        sender,
        method,
        fields,
        replaced_by: None,
    }
}

const fn deprecated(
    name: &'static str,
    sender: Sender,
    method: &'static str,
    fields: &'static [Field],
    replaced_by: &'static str,
) -> MessageSpec {
    MessageSpec {
        name,
        sender,
        method,
        fields,
        replaced_by: Some(replaced_by),
    }
}

/// `EndStatus` of `OnCallEnded.callEndStatus`.
pub const END_STATUSES: &[&str] = &[
    "COMPLETED",
    "FAILED",
    "CANCELED",
    "BUSY",
    "NO_ANSWER",
    "REJECTED",
    "MISSED",
];
/// `ObjectCoordinates.objectTypeId`: contacts and companies.
pub const OBJECT_TYPE_IDS: &[&str] = &["0-1", "0-2"];

const CALL_ID: &str =
    "HubSpot ties every message about a call to its externalCallId (your own id for the call)";
const CALL_ID_LATER: &str = "HubSpot tells calls apart by externalCallId; without it the emulator applies the message to the widget's current call";
const SIZE: &[Field] = &[
    field(
        "width",
        FieldType::Number,
        true,
        W,
        "the widget's width in pixels",
    ),
    field(
        "height",
        FieldType::Number,
        true,
        W,
        "the widget's height in pixels",
    ),
];
const COORDINATES: &[Field] = &[
    field(
        "portalId",
        FieldType::Integer,
        true,
        E,
        "the portal the record is in",
    ),
    field("objectId", FieldType::Integer, true, E, "the record's id"),
    field(
        "objectTypeId",
        FieldType::Choice(OBJECT_TYPE_IDS),
        true,
        E,
        "the record's type: 0-1 a contact, 0-2 a company",
    ),
];
const STARTED_AT: Field = field(
    "callStartTime",
    FieldType::Integer,
    false,
    W,
    "the call's start in Unix milliseconds: the engagement's hs_timestamp",
);
const CREATE: Field = field(
    "createEngagement",
    FieldType::Boolean,
    false,
    W,
    "whether HubSpot logs the call as an engagement",
);
const FINALIZE: &[Field] = &[
    field("externalCallId", FieldType::Text, true, W, CALL_ID_LATER),
    field(
        "engagementId",
        FieldType::Integer,
        true,
        E,
        "the engagement HubSpot finalizes (CREATE_ENGAGEMENT_SUCCEEDED gave it)",
    ),
];
const ENGAGEMENT_ID: Field = field(
    "engagementId",
    FieldType::Integer,
    true,
    W,
    "the call's engagement",
);
const NO_FIELDS: &[Field] = &[];
const ENGAGEMENT_REPLY: &[Field] = &[field(
    "engagementId",
    FieldType::Integer,
    true,
    W,
    "the call's engagement",
)];
const FINALIZED: &[Field] = &[
    field(
        "engagementId",
        FieldType::Integer,
        true,
        W,
        "the engagement",
    ),
    field("externalCallId", FieldType::Text, true, W, "the call"),
];
const CALL_ONLY: &[Field] = &[field(
    "externalCallId",
    FieldType::Text,
    true,
    W,
    CALL_ID_LATER,
)];
const ERROR_DATA: &[Field] = &[field(
    "error",
    FieldType::Object(&[field("message", FieldType::Text, true, W, "why")]),
    true,
    W,
    "why HubSpot failed",
)];

/// What the app sends (the SDK's `thirdPartyToHostEvents`, `ERROR`, `SET_WIDGET_URL`, and the
/// handshake's `SYNC_ACK`).
pub const FROM_APP: &[MessageSpec] = &[
    message(
        "SYNC_ACK",
        Sender::App,
        "(the SDK's IFrameManager, on SYNC)",
        &[
            field("version", FieldType::Text, false, W, "the SDK's version"),
            field(
                "iFrameUrl",
                FieldType::Text,
                false,
                W,
                "the app's origin, where HubSpot posts to",
            ),
        ],
    ),
    message(
        "INITIALIZED",
        Sender::App,
        "initialized",
        &[
            field(
                "isLoggedIn",
                FieldType::Boolean,
                false,
                W,
                "whether the user is logged in to the app: HubSpot lets them call only then",
            ),
            field(
                "isAvailable",
                FieldType::Boolean,
                false,
                W,
                "whether the user takes inbound calls",
            ),
            field(
                "engagementId",
                FieldType::Integer,
                false,
                W,
                "the call the app resumes after a page change",
            ),
            field(
                "sizeInfo",
                FieldType::Object(SIZE),
                false,
                W,
                "the widget's size",
            ),
        ],
    ),
    message("LOGGED_IN", Sender::App, "userLoggedIn", NO_FIELDS),
    message("LOGGED_OUT", Sender::App, "userLoggedOut", NO_FIELDS),
    message("USER_AVAILABLE", Sender::App, "userAvailable", NO_FIELDS),
    message(
        "USER_UNAVAILABLE",
        Sender::App,
        "userUnavailable",
        NO_FIELDS,
    ),
    message(
        "OUTGOING_CALL_STARTED",
        Sender::App,
        "outgoingCall",
        &[
            field("externalCallId", FieldType::Text, true, E, CALL_ID),
            field(
                "fromNumber",
                FieldType::Text,
                false,
                W,
                "the engagement's hs_call_from_number",
            ),
            field(
                "toNumber",
                FieldType::Text,
                false,
                W,
                "the engagement's hs_call_to_number",
            ),
            STARTED_AT,
            CREATE,
        ],
    ),
    message(
        "INCOMING_CALL",
        Sender::App,
        "incomingCall",
        &[
            field("externalCallId", FieldType::Text, true, E, CALL_ID),
            field(
                "fromNumber",
                FieldType::Text,
                true,
                E,
                "HubSpot matches the caller to contacts and companies by it",
            ),
            field(
                "toNumber",
                FieldType::Text,
                true,
                W,
                "the engagement's hs_call_to_number",
            ),
            STARTED_AT,
            CREATE,
        ],
    ),
    message("CALL_ANSWERED", Sender::App, "callAnswered", CALL_ONLY),
    message(
        "CALL_TRANSFERRED",
        Sender::App,
        "callTransferred",
        CALL_ONLY,
    ),
    message(
        "CALL_ENDED",
        Sender::App,
        "callEnded",
        &[
            field("externalCallId", FieldType::Text, true, W, CALL_ID_LATER),
            ENGAGEMENT_ID,
            field(
                "callEndStatus",
                FieldType::Choice(END_STATUSES),
                false,
                W,
                "how the call ended: the engagement's hs_call_status",
            ),
        ],
    ),
    message(
        "CALL_COMPLETED",
        Sender::App,
        "callCompleted",
        &[
            field("externalCallId", FieldType::Text, true, W, CALL_ID_LATER),
            field(
                "engagementId",
                FieldType::IntegerOrText,
                false,
                E,
                "the engagement HubSpot updates (CREATE_ENGAGEMENT_SUCCEEDED gave it)",
            ),
            field(
                "hideWidget",
                FieldType::Boolean,
                false,
                W,
                "whether HubSpot closes the widget (default true)",
            ),
            field(
                "engagementProperties",
                FieldType::Object(&[]),
                false,
                E,
                "the call's properties HubSpot writes to the engagement",
            ),
        ],
    ),
    message(
        "FINALIZE_ENGAGEMENT",
        Sender::App,
        "finalizeEngagement",
        FINALIZE,
    ),
    deprecated(
        "PUBLISH_TO_CHANNEL",
        Sender::App,
        "publishToChannel",
        FINALIZE,
        "FINALIZE_ENGAGEMENT",
    ),
    message(
        "NAVIGATE_TO_RECORD",
        Sender::App,
        "navigateToRecord",
        &[
            field(
                "objectCoordinates",
                FieldType::Object(COORDINATES),
                true,
                E,
                "the record HubSpot opens",
            ),
            field(
                "engagementId",
                FieldType::Integer,
                false,
                W,
                "the call the record page resumes",
            ),
            field(
                "openIn",
                FieldType::Choice(&["CURRENT_TAB", "NEW_TAB"]),
                false,
                W,
                "where HubSpot opens the record",
            ),
        ],
    ),
    message("RESIZE_WIDGET", Sender::App, "resizeWidget", SIZE),
    message(
        "ERROR",
        Sender::App,
        "sendError",
        &[field(
            "message",
            FieldType::Text,
            true,
            W,
            "the error HubSpot shows the user",
        )],
    ),
    message("CALL_DATA", Sender::App, "callData", NO_FIELDS),
    message(
        "SET_WIDGET_URL",
        Sender::App,
        "setWidgetUrl",
        &[field(
            "iFrameUrl",
            FieldType::Text,
            true,
            W,
            "the widget's new URL",
        )],
    ),
];

/// What HubSpot sends the app (the SDK's `hostToThirdPartyEvents`, `END_CALL`, `SYNC`,
/// `SET_CALL_STATE`), with the payloads the emulator sends.
pub const TO_APP: &[MessageSpec] = &[
    message(
        "SYNC",
        Sender::HubSpot,
        "(the SDK's IFrameManager, until SYNC_ACK)",
        &[
            field("portalId", FieldType::Integer, true, W, "the portal"),
            field("userId", FieldType::Integer, true, W, "the HubSpot user"),
            field(
                "ownerId",
                FieldType::Integer,
                true,
                W,
                "the user's owner id",
            ),
            field(
                "iframeLocation",
                FieldType::Choice(&["widget", "remote", "window"]),
                true,
                W,
                "where the widget is hosted",
            ),
            field(
                "usesCallingWindow",
                FieldType::Boolean,
                true,
                W,
                "whether calls run in a separate window",
            ),
        ],
    ),
    message(
        "DIAL_NUMBER",
        Sender::HubSpot,
        "onDialNumber",
        &[
            field(
                "phoneNumber",
                FieldType::Text,
                true,
                W,
                "the number to call",
            ),
            field(
                "ownerId",
                FieldType::Integer,
                true,
                W,
                "the user's owner id",
            ),
            field("portalId", FieldType::Integer, true, W, "the portal"),
            field(
                "objectType",
                FieldType::Choice(&["CONTACT", "COMPANY"]),
                false,
                W,
                "the callee's type",
            ),
            field("calleeInfo", FieldType::Object(&[]), true, W, "the callee"),
            field(
                "startTimestamp",
                FieldType::Integer,
                true,
                W,
                "when the user clicked",
            ),
        ],
    ),
    message("END_CALL", Sender::HubSpot, "onEndCall", NO_FIELDS),
    message(
        "VISIBILITY_CHANGED",
        Sender::HubSpot,
        "onVisibilityChanged",
        &[
            field(
                "isMinimized",
                FieldType::Boolean,
                true,
                W,
                "the widget is minimized",
            ),
            field(
                "isHidden",
                FieldType::Boolean,
                true,
                W,
                "the widget is hidden",
            ),
        ],
    ),
    message(
        "CREATE_ENGAGEMENT_SUCCEEDED",
        Sender::HubSpot,
        "onCreateEngagementSucceeded",
        ENGAGEMENT_REPLY,
    ),
    message(
        "CREATE_ENGAGEMENT_FAILED",
        Sender::HubSpot,
        "onCreateEngagementFailed",
        ERROR_DATA,
    ),
    deprecated(
        "ENGAGEMENT_CREATED",
        Sender::HubSpot,
        "onEngagementCreated",
        ENGAGEMENT_REPLY,
        "CREATE_ENGAGEMENT_SUCCEEDED",
    ),
    message(
        "UPDATE_ENGAGEMENT_SUCCEEDED",
        Sender::HubSpot,
        "onUpdateEngagementSucceeded",
        ENGAGEMENT_REPLY,
    ),
    message(
        "UPDATE_ENGAGEMENT_FAILED",
        Sender::HubSpot,
        "onUpdateEngagementFailed",
        ERROR_DATA,
    ),
    message(
        "CALLER_ID_MATCH_SUCCEEDED",
        Sender::HubSpot,
        "onCallerIdMatchSucceeded",
        &[field(
            "callerIdMatches",
            FieldType::Any,
            true,
            W,
            "the contacts and companies with the caller's number",
        )],
    ),
    message(
        "CALLER_ID_MATCH_FAILED",
        Sender::HubSpot,
        "onCallerIdMatchFailed",
        ERROR_DATA,
    ),
    message(
        "FINALIZE_ENGAGEMENT_SUCCEEDED",
        Sender::HubSpot,
        "onFinalizeEngagementSucceeded",
        FINALIZED,
    ),
    message(
        "FINALIZE_ENGAGEMENT_FAILED",
        Sender::HubSpot,
        "onFinalizeEngagementFailed",
        ERROR_DATA,
    ),
    deprecated(
        "PUBLISH_TO_CHANNEL_SUCCEEDED",
        Sender::HubSpot,
        "onPublishToChannelSucceeded",
        FINALIZED,
        "FINALIZE_ENGAGEMENT_SUCCEEDED",
    ),
    deprecated(
        "PUBLISH_TO_CHANNEL_FAILED",
        Sender::HubSpot,
        "onPublishToChannelFailed",
        ERROR_DATA,
        "FINALIZE_ENGAGEMENT_FAILED",
    ),
    message(
        "NAVIGATE_TO_RECORD_FAILED",
        Sender::HubSpot,
        "onNavigateToRecordFailed",
        ERROR_DATA,
    ),
    message(
        "SET_WIDGET_URL_FAILED",
        Sender::HubSpot,
        "onSetWidgetUrlFailed",
        NO_FIELDS,
    ),
    message(
        "SET_CALL_STATE",
        Sender::HubSpot,
        "onSetCallState",
        NO_FIELDS,
    ),
    message(
        "INITIATE_CALL_ID_SUCCEEDED",
        Sender::HubSpot,
        "onInitiateCallIdSucceeded",
        NO_FIELDS,
    ),
    message(
        "INITIATE_CALL_ID_FAILED",
        Sender::HubSpot,
        "onInitiateCallIdFailed",
        NO_FIELDS,
    ),
];

/// What the host page reports that is not a message.
pub const HOST_EVENTS: &[&str] = &["WIDGET_LOADED", "READY", "SYNC_ACK_FAILED"];

/// The spec of a message the app sends.
pub fn from_app(name: &str) -> Option<&'static MessageSpec> {
    FROM_APP.iter().find(|m| m.name == name)
}

/// The spec of a message HubSpot sends.
pub fn to_app(name: &str) -> Option<&'static MessageSpec> {
    TO_APP.iter().find(|m| m.name == name)
}

/// The known message closest to a misspelt one (`OUTGOING_CALL_START` → `OUTGOING_CALL_STARTED`).
pub fn closest(name: &str) -> Option<&'static str> {
    FROM_APP
        .iter()
        .map(|m| m.name)
        .map(|known| {
            (
                strsim::jaro_winkler(&name.to_ascii_uppercase(), known),
                known,
            )
        })
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, known)| known)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SDK's own constants, as `src/Constants.ts` of 0.9.7 lists them.
    const SDK_APP_EVENTS: &[&str] = &[
        "CALL_ANSWERED",
        "CALL_COMPLETED",
        "CALL_DATA",
        "CALL_ENDED",
        "CALL_TRANSFERRED",
        "INCOMING_CALL",
        "INITIALIZED",
        "LOGGED_IN",
        "LOGGED_OUT",
        "NAVIGATE_TO_RECORD",
        "OUTGOING_CALL_STARTED",
        "PUBLISH_TO_CHANNEL",
        "RESIZE_WIDGET",
        "USER_AVAILABLE",
        "USER_UNAVAILABLE",
        "FINALIZE_ENGAGEMENT",
    ];

    #[test]
    fn every_event_the_sdk_sends_is_catalogued_once() {
        for name in SDK_APP_EVENTS {
            assert!(from_app(name).is_some(), "{name}");
        }
        let mut names: Vec<&str> = FROM_APP.iter().chain(TO_APP).map(|m| m.name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a name listed twice");
        assert!(from_app("DIAL_NUMBER").is_none());
        assert!(to_app("DIAL_NUMBER").is_some());
    }

    #[test]
    fn misspelt_types_find_their_namesake() {
        assert_eq!(
            closest("OUTGOING_CALL_START"),
            Some("OUTGOING_CALL_STARTED")
        );
        assert_eq!(closest("call_completed"), Some("CALL_COMPLETED"));
        assert_eq!(closest("HELLO"), None);
    }
}
