//! `hubspot-emulator widget …`: drives the calling widget a running emulator hosts (its control
//! API, docs/calling-widget.md) as HubSpot's user would — `dial` a number, `hangup`, change
//! the widget's `visibility` — and lists the SDK `messages` it journaled. Exit 0 when the
//! command reached the page, 1 when no host page is open (409), 2 for a request the emulator
//! refuses, 3 when the emulator cannot be reached or does not answer within 10 s.

use std::fmt::Write;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::{json, Value};

use super::fire::call;
use super::render::{paint, use_colour, Format, FormatArg};
use super::CliError;

/// Every call is a quick control call.
const DEADLINE: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
pub struct WidgetArgs {
    #[command(subcommand)]
    pub command: WidgetCommand,
}

#[derive(Debug, Subcommand)]
pub enum WidgetCommand {
    /// HubSpot's user clicks to call: DIAL_NUMBER to the newest open host page.
    Dial(DialArgs),
    /// HubSpot's user hangs up: END_CALL to the newest open host page.
    Hangup(Sent),
    /// The widget is minimized or hidden (or shown again): VISIBILITY_CHANGED.
    Visibility(VisibilityArgs),
    /// The SDK messages the emulator journaled, both ways, with the judge's findings.
    Messages(MessagesArgs),
}

/// Where a command goes and how its answer is printed: what every command shares.
#[derive(Debug, Args)]
pub struct Sent {
    #[command(flatten)]
    pub who: Who,
    #[command(flatten)]
    pub emulator: Emulator,
    #[command(flatten)]
    pub output: FormatArg,
}

/// Where the emulator is.
#[derive(Debug, Args)]
pub struct Emulator {
    /// Base URL of the running emulator.
    #[arg(
        long,
        env = "HUBSPOT_EMULATOR_URL",
        default_value = "http://127.0.0.1:4774"
    )]
    pub emulator: String,
    /// The emulator's control token, if it was started with one.
    #[arg(long, env = "HUBSPOT_EMULATOR_CONTROL_TOKEN", hide_env_values = true)]
    pub control_token: Option<String>,
}

/// Whose host page a command goes to (default: the fixture's first app, portal and user).
#[derive(Debug, Args)]
pub struct Who {
    /// The app whose widget is hosted.
    #[arg(long, env = "HUBSPOT_EMULATOR_APP_ID")]
    pub app_id: Option<i64>,
    /// The portal (HubSpot account).
    #[arg(long, env = "HUBSPOT_EMULATOR_PORTAL_ID")]
    pub portal_id: Option<u64>,
    /// The HubSpot user the page is for.
    #[arg(long, env = "HUBSPOT_EMULATOR_USER_ID")]
    pub user_id: Option<u64>,
}

#[derive(Debug, Args)]
pub struct DialArgs {
    /// The number the user clicked, as the CRM has it (sent in E.164).
    #[arg(long = "to", env = "HUBSPOT_EMULATOR_DIAL_TO")]
    pub to: String,
    /// The contact called (default: the contact or company the number belongs to).
    #[arg(long, env = "HUBSPOT_EMULATOR_CONTACT_ID")]
    pub contact_id: Option<u64>,
    #[command(flatten)]
    pub sent: Sent,
}

#[derive(Debug, Args)]
pub struct VisibilityArgs {
    /// The widget is minimized.
    #[arg(long, env = "HUBSPOT_EMULATOR_MINIMIZED", value_parser = clap::builder::BoolishValueParser::new())]
    pub minimized: bool,
    /// The widget is hidden (without --minimized and --hidden: shown).
    #[arg(long, env = "HUBSPOT_EMULATOR_HIDDEN", value_parser = clap::builder::BoolishValueParser::new())]
    pub hidden: bool,
    #[command(flatten)]
    pub sent: Sent,
}

#[derive(Debug, Args)]
pub struct MessagesArgs {
    /// The newest N messages (default: as many as one page holds).
    #[arg(long, env = "HUBSPOT_EMULATOR_LIMIT")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub emulator: Emulator,
    #[command(flatten)]
    pub output: FormatArg,
}

pub async fn run(args: WidgetArgs) -> Result<(), CliError> {
    match args.command {
        WidgetCommand::Dial(args) => {
            let mut fields = json!({"toNumber": args.to});
            if let Some(contact) = args.contact_id {
                fields["contactId"] = json!(contact);
            }
            command(&args.sent, "dial", fields).await
        }
        WidgetCommand::Hangup(sent) => command(&sent, "hangup", json!({})).await,
        WidgetCommand::Visibility(args) => {
            let fields = json!({"isMinimized": args.minimized, "isHidden": args.hidden});
            command(&args.sent, "visibility", fields).await
        }
        WidgetCommand::Messages(args) => messages(args).await,
    }
}

/// `fields` and whom the command is for.
fn body(who: &Who, mut fields: Value) -> Value {
    for (key, value) in [
        ("appId", who.app_id.map(Value::from)),
        ("portalId", who.portal_id.map(Value::from)),
        ("userId", who.user_id.map(Value::from)),
    ] {
        if let Some(value) = value {
            fields[key] = value;
        }
    }
    fields
}

/// Sends a command with `fields`; prints where it went and what it carried.
async fn command(sent: &Sent, name: &str, fields: Value) -> Result<(), CliError> {
    let (emulator, format) = (&sent.emulator, sent.output.format);
    let body = body(&sent.who, fields);
    let base = emulator.emulator.trim_end_matches('/');
    let url = format!("{base}/_emulator/sdk/{name}");
    let client = awc::Client::builder().disable_timeout().finish();
    let token = emulator.control_token.as_deref();
    let (status, bytes) = call(&client, "POST", &url, token, Some(&body), DEADLINE).await?;
    let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let refusal = || {
        answer["error"].as_str().map_or_else(
            || String::from_utf8_lossy(&bytes).into_owned(),
            str::to_string,
        )
    };
    match status {
        202 => {}
        409 => return Err(CliError::ContractBroken(refusal())),
        401 | 403 | 415 => {
            return Err(CliError::Usage(format!(
                "the emulator refused the command ({status}): {}",
                refusal()
            )))
        }
        400..=499 => return Err(CliError::Usage(refusal())),
        _ => {
            return Err(CliError::Infrastructure(format!(
                "unexpected answer from {url} ({status}): {}",
                refusal()
            )))
        }
    }
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&answer).unwrap_or_default()
        ),
        Format::Human => println!(
            "{} sent to host session {}\n{}",
            answer["message"]["type"].as_str().unwrap_or("?"),
            answer["sessionId"].as_str().unwrap_or("?"),
            serde_json::to_string_pretty(&answer["message"]["data"]).unwrap_or_default()
        ),
    }
    Ok(())
}

async fn messages(args: MessagesArgs) -> Result<(), CliError> {
    let base = args.emulator.emulator.trim_end_matches('/');
    let mut url = format!("{base}/_emulator/sdk/messages");
    if let Some(limit) = args.limit {
        url.push_str(&format!("?limit={limit}"));
    }
    let client = awc::Client::builder().disable_timeout().finish();
    let token = args.emulator.control_token.as_deref();
    let (status, bytes) = call(&client, "GET", &url, token, None, DEADLINE).await?;
    let page: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status != 200 {
        return Err(CliError::Usage(format!(
            "the emulator refused to list the messages ({status}): {}",
            page["error"].as_str().unwrap_or("")
        )));
    }
    match args.output.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&page).unwrap_or_default()
        ),
        Format::Human => print!("{}", render_messages(&page, use_colour())),
    }
    Ok(())
}

/// One line per message (its data shortened), its findings under it.
fn render_messages(page: &Value, colour: bool) -> String {
    let mut out = String::new();
    let entries = page["entries"].as_array().cloned().unwrap_or_default();
    if entries.is_empty() {
        out.push_str("no SDK messages journaled (open a host page: /_emulator/ui/calling)\n");
    }
    for entry in &entries {
        let arrow = match entry["direction"].as_str() {
            Some("fromApp") => "app → HubSpot",
            Some("toApp") => "HubSpot → app",
            _ => "page",
        };
        let mut data = entry["data"].to_string();
        if data.chars().count() > 100 {
            data = data.chars().take(99).collect::<String>() + "…";
        }
        let _ = writeln!(
            out,
            "#{} {} {} {}{}{}",
            entry["id"],
            entry["sessionId"].as_str().unwrap_or("?"),
            arrow,
            paint(entry["type"].as_str().unwrap_or("?"), "1", colour),
            if entry["data"].is_null() { "" } else { " " },
            if entry["data"].is_null() {
                String::new()
            } else {
                data
            }
        );
        for finding in entry["findings"].as_array().into_iter().flatten() {
            let severity = finding["severity"].as_str().unwrap_or("?");
            let code = match severity {
                "error" => "31",
                "warning" => "33",
                _ => "36",
            };
            let pointer = finding["pointer"].as_str().unwrap_or("");
            let _ = writeln!(
                out,
                "    {} {}{}{}: {}",
                paint(severity, code, colour),
                finding["code"].as_str().unwrap_or("?"),
                if pointer.is_empty() { "" } else { " " },
                pointer,
                finding["message"].as_str().unwrap_or("")
            );
        }
    }
    let _ = writeln!(
        out,
        "{} shown, {} journaled in all",
        entries.len(),
        page["total"]
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_each_with_their_findings_below() {
        let page = json!({"total": 9, "entries": [
            {"id": 3, "sessionId": "s1", "direction": "fromApp", "type": "CALL_ENDED", "data": null,
             "findings": [{"code": "call-ended-without-engagement-id", "severity": "warning", "pointer": "/data/engagementId", "message": "send it"}]},
            {"id": 4, "sessionId": "s1", "direction": "toApp", "type": "END_CALL", "data": {"x": "y".repeat(200)}, "findings": []}
        ]});
        let text = render_messages(&page, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "#3 s1 app → HubSpot CALL_ENDED");
        assert_eq!(
            lines[1],
            "    warning call-ended-without-engagement-id /data/engagementId: send it"
        );
        assert!(
            lines[2].starts_with("#4 s1 HubSpot → app END_CALL {\"x\":\"yyy")
                && lines[2].ends_with('…')
        );
        assert_eq!(lines[3], "2 shown, 9 journaled in all");
    }
}
