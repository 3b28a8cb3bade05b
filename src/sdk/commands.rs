//! What HubSpot's UI asks of the app, driven from outside (the control API, the CLI, scenario
//! steps, the page's own buttons): dial a number (`DIAL_NUMBER`, the callee looked up in the
//! portal's CRM as caller-ID matching would), hang up (`END_CALL`), show or hide the widget
//! (`VISIBILITY_CHANGED`). `DIAL_NUMBER`'s payload is not published; its fields are the
//! emulator's assumption (docs/calling-widget.md).

use serde::Deserialize;
use serde_json::{json, Value};

use super::action::Action;
use super::error::SdkError;
use super::message::Message;
use super::session::{Dialled, HostSession};
use crate::clock::Timestamp;
use crate::crm::{ObjectType, PortalCrm};
use crate::domain::{AppId, PortalId, UserId};
use crate::inbound_call::caller_id::match_caller;
use crate::inbound_call::phone::to_e164;

/// Who a command is for (each defaults as a session does).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Target {
    pub app_id: Option<AppId>,
    pub portal_id: Option<PortalId>,
    pub user_id: Option<UserId>,
}

/// Which command a request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandKind {
    Dial,
    Hangup,
    Visibility,
}

impl CommandKind {
    /// The shape its body takes, for the 400 of one that does not fit.
    pub fn usage(self) -> &'static str {
        match self {
            CommandKind::Dial => {
                r#"dial takes {"toNumber": "+16175550100", "contactId"?: N, "appId"?: N, "portalId"?: N, "userId"?: N}"#
            }
            CommandKind::Hangup => {
                r#"hangup takes {"appId"?: N, "portalId"?: N, "userId"?: N} (or no body)"#
            }
            CommandKind::Visibility => {
                r#"visibility takes {"isMinimized": true|false, "isHidden": true|false, "appId"?: N, "portalId"?: N, "userId"?: N}"#
            }
        }
    }
}

/// The body of `POST /_emulator/sdk/dial`, `…/hangup` and `…/visibility`: whom the command is
/// for, and the fields of each command (a field of another command is refused).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommandRequest {
    pub app_id: Option<AppId>,
    pub portal_id: Option<PortalId>,
    pub user_id: Option<UserId>,
    /// Dial: the number the user clicked.
    pub to_number: Option<String>,
    /// Dial: the contact called (else the number is looked up in the CRM).
    #[serde(default, deserialize_with = "optional_id")]
    pub contact_id: Option<u64>,
    /// Visibility: both flags.
    pub is_minimized: Option<bool>,
    pub is_hidden: Option<bool>,
}

fn optional_id<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
        Some(Value::String(text)) if text.trim().parse::<u64>().is_ok() => {
            Ok(text.trim().parse().ok())
        }
        Some(other) => Err(serde::de::Error::custom(format!(
            "contactId must be a contact's id (a whole number), got {other}"
        ))),
    }
}

/// A command, checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Dial {
        to_number: String,
        contact_id: Option<u64>,
    },
    Hangup,
    Visibility {
        is_minimized: bool,
        is_hidden: bool,
    },
}

impl CommandRequest {
    /// The command of `kind` this body asks for, and whom for.
    pub fn command(self, kind: CommandKind) -> Result<(Target, Command), SdkError> {
        let refuse = |why: &str| SdkError::BadRequest(format!("{}: {why}", kind.usage()));
        let target = Target {
            app_id: self.app_id,
            portal_id: self.portal_id,
            user_id: self.user_id,
        };
        let dial_fields = self.to_number.is_some() || self.contact_id.is_some();
        let visibility_fields = self.is_minimized.is_some() || self.is_hidden.is_some();
        let command = match kind {
            CommandKind::Dial if visibility_fields => return Err(refuse("isMinimized and isHidden belong to visibility")),
            CommandKind::Dial => Command::Dial {
                to_number: self
                    .to_number
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| refuse("\"toNumber\" is missing or blank: give the number the user clicked to call"))?,
                contact_id: self.contact_id,
            },
            CommandKind::Hangup if dial_fields || visibility_fields => {
                return Err(refuse("a hangup names only whose page it is for"))
            }
            CommandKind::Hangup => Command::Hangup,
            CommandKind::Visibility if dial_fields => return Err(refuse("toNumber and contactId belong to dial")),
            CommandKind::Visibility => match (self.is_minimized, self.is_hidden) {
                (Some(is_minimized), Some(is_hidden)) => Command::Visibility {
                    is_minimized,
                    is_hidden,
                },
                _ => return Err(refuse("both \"isMinimized\" and \"isHidden\" are required (VISIBILITY_CHANGED carries both)")),
            },
        };
        Ok((target, command))
    }
}

/// The message (and actions) a command becomes for `session`; a dial also remembers its callee
/// in the session, for the engagement of the call the app then starts.
pub fn message(
    command: &Command,
    session: &mut HostSession,
    crm: &PortalCrm,
) -> Result<(Message, Vec<Action>), SdkError> {
    match command {
        Command::Dial {
            to_number,
            contact_id,
        } => {
            let (data, dialled) = dial(to_number, *contact_id, session, crm)?;
            session.dialled = Some(dialled);
            Ok((Message::new("DIAL_NUMBER", data), vec![Action::Show]))
        }
        Command::Hangup => {
            let engagement = session
                .call_index(None)
                .and_then(|i| session.calls[i].engagement_id);
            let data = match engagement {
                Some(id) => json!({ "engagementId": id }),
                None => json!({}),
            };
            Ok((Message::new("END_CALL", data), Vec::new()))
        }
        Command::Visibility {
            is_minimized,
            is_hidden,
        } => Ok((
            Message::new(
                "VISIBILITY_CHANGED",
                json!({ "isMinimized": is_minimized, "isHidden": is_hidden }),
            ),
            vec![if *is_hidden {
                Action::Hide
            } else {
                Action::Show
            }],
        )),
    }
}

/// `DIAL_NUMBER`'s data, and what the session remembers of it.
fn dial(
    to_number: &str,
    contact_id: Option<u64>,
    session: &HostSession,
    crm: &PortalCrm,
) -> Result<(Value, Dialled), SdkError> {
    let country = crm.default_country();
    let e164 = to_e164(to_number, country);
    let phone_number = e164.clone().unwrap_or_else(|| to_number.to_string());
    let callee = match contact_id {
        Some(id) => {
            let live = crm
                .object(ObjectType::Contacts, id)
                .is_some_and(|o| !o.is_archived());
            if !live {
                return Err(SdkError::NotFound(format!(
                    "portal {} has no live contact {id} to call; GET /crm/v3/objects/contacts lists them (or leave contactId out: the number is looked up)",
                    session.portal_id
                )));
            }
            Some((ObjectType::Contacts, id))
        }
        None => e164.as_deref().and_then(|number| {
            match_caller(crm, session.portal_id, number)
                .first()
                .map(|m| m.record())
        }),
    };
    let source = callee.and_then(|(object_type, id)| {
        let object = crm.object(object_type, id)?;
        object_type
            .number_properties()
            .iter()
            .find(|property| {
                object.get(property).is_some_and(|written| {
                    written.trim() == to_number || to_e164(written, country) == e164
                })
            })
            .copied()
    });
    let object_id = callee.map(|(_, id)| id);
    let data = json!({
        "phoneNumber": phone_number,
        "ownerId": session.owner_id,
        "subjectId": object_id,
        "objectId": object_id,
        "objectType": callee.map(|(t, _)| t.singular().to_ascii_uppercase()),
        "portalId": session.portal_id,
        "countryCode": country,
        "calleeInfo": {
            "calleeId": object_id,
            "calleeObjectTypeId": callee.map(|(t, _)| t.type_id()),
        },
        "startTimestamp": Timestamp::now().millis(),
        "toPhoneNumberSrc": source,
    });
    let dialled = Dialled {
        phone_number,
        callee: callee.map(|(t, id)| (t.type_id().to_string(), id)),
    };
    Ok((data, dialled))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::crm::{ObjectInput, WriteSource};
    use crate::sdk::catalogue::to_app;
    use crate::sdk::fields::check;

    #[test]
    fn a_dial_names_the_contact_whose_number_it_is() {
        let mut crm = PortalCrm::default();
        let input: ObjectInput = serde_json::from_value(
            json!({"properties": {"firstname": "Ada", "mobilephone": "(617) 555-0100"}}),
        )
        .unwrap();
        let ada = crm
            .create(ObjectType::Contacts, &input, &WriteSource::import())
            .unwrap();
        let mut session = HostSession::new(
            "s1".into(),
            AppId::new(1).unwrap(),
            62515,
            101,
            None,
            Value::Null,
        );
        let dial = Command::Dial {
            to_number: "+1 617 555 0100".into(),
            contact_id: None,
        };
        let (message, actions) = message(&dial, &mut session, &crm).unwrap();
        assert_eq!(message.message_type, "DIAL_NUMBER");
        assert_eq!(message.data["phoneNumber"], "+16175550100");
        assert_eq!(message.data["objectId"], ada);
        assert_eq!(message.data["objectType"], "CONTACT");
        assert_eq!(message.data["calleeInfo"]["calleeObjectTypeId"], "0-1");
        assert_eq!(message.data["toPhoneNumberSrc"], "mobilephone");
        assert_eq!(actions, [Action::Show]);
        assert!(check(to_app("DIAL_NUMBER").unwrap(), Some(&message.data)).is_empty());
        assert_eq!(
            session.dialled.as_ref().unwrap().callee,
            Some(("0-1".into(), ada))
        );

        let nobody = Command::Dial {
            to_number: "+44 20 7946 0000".into(),
            contact_id: None,
        };
        let (message, _) = super::message(&nobody, &mut session, &crm).unwrap();
        assert_eq!(message.data["objectId"], Value::Null);
        let missing = Command::Dial {
            to_number: "+1".into(),
            contact_id: Some(5),
        };
        assert!(matches!(
            super::message(&missing, &mut session, &crm),
            Err(SdkError::NotFound(_))
        ));
    }

    #[test]
    fn requests_are_checked() {
        let request = |body: Value| -> CommandRequest { serde_json::from_value(body).unwrap() };
        assert!(request(json!({})).command(CommandKind::Dial).is_err());
        assert!(request(json!({"isHidden": true}))
            .command(CommandKind::Visibility)
            .is_err());
        let error = request(json!({"toNumber": "1"}))
            .command(CommandKind::Hangup)
            .unwrap_err();
        assert!(error.to_string().starts_with("hangup takes"), "{error}");
        let (_, dial) = request(json!({"toNumber": " 1 ", "contactId": "42"}))
            .command(CommandKind::Dial)
            .unwrap();
        assert_eq!(
            dial,
            Command::Dial {
                to_number: "1".into(),
                contact_id: Some(42)
            }
        );
    }
}
