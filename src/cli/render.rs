//! Human output of verdicts: the outcome line, findings with severity and pointer, and the
//! number picker as a table. Colour only on a terminal and never under `NO_COLOR`. Probe
//! reports (`render_probe`) share the findings block.

use std::fmt::Write;
use std::io::IsTerminal;

use crate::webhook::findings::worst_first;
use crate::webhook::rejection;
use crate::webhook::validator::FRIENDLY_NAME_LIMIT;
use crate::webhook::verdict::{Finding, Outcome, Severity, Verdict};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// `--format human|json`, shared by every command that prints a result.
#[derive(Clone, Copy, Debug, clap::Args)]
pub struct FormatArg {
    #[arg(
        long = "format",
        value_enum,
        default_value = "human",
        env = "HUBSPOT_EMULATOR_FORMAT"
    )]
    pub format: Format,
}

pub fn use_colour() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

pub fn paint(text: &str, code: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

pub fn verdict(verdict: &Verdict, colour: bool) -> String {
    let mut out = String::new();
    let (label, code) = match verdict.outcome {
        Outcome::Pass => ("PASS", "32"),
        Outcome::Fail => ("FAIL", "31"),
        Outcome::NotRegistered => ("NOT REGISTERED", "33"),
        Outcome::GreyedOut => ("GREYED OUT", "33"),
    };
    let _ = write!(
        out,
        "{}  app {} · portal {} · user {}",
        paint(label, code, colour),
        verdict.app_id,
        verdict.portal_id,
        verdict.user_id
    );
    if let Some(delivery) = &verdict.delivery {
        let status = delivery
            .response
            .as_ref()
            .map_or("no reply".to_string(), |r| r.status.to_string());
        let _ = write!(
            out,
            " · POST {} → {status} in {:.1} ms",
            delivery.request.url, delivery.latency_ms
        );
    }
    out.push('\n');
    if let Some(response) = verdict.delivery.as_ref().and_then(|d| d.response.as_ref()) {
        for line in rejection::notes(response.status, &response.body) {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push_str(&findings(&verdict.findings, colour));
    if !verdict.omitted_findings.is_empty() {
        let counts: Vec<String> = verdict
            .omitted_findings
            .iter()
            .map(|(code, count)| format!("{count} more {code}"))
            .collect();
        let _ = writeln!(
            out,
            "  … and {} (only the first 20 of each code are listed)",
            counts.join(", ")
        );
    }
    if verdict.delivery.is_some() {
        out.push_str(&picker(verdict));
    }
    out
}

/// A `findings:` block (empty when there are none), worst first: severity, code, pointer (when
/// there is one), then the message.
pub fn findings(findings: &[Finding], colour: bool) -> String {
    let mut out = String::new();
    if findings.is_empty() {
        return out;
    }
    out.push_str("\nfindings:\n");
    for finding in worst_first(findings) {
        let (name, code) = severity_paint(finding.severity);
        // Padded before painting: the escape codes would otherwise count towards the width.
        let _ = write!(
            out,
            "  {}  {}",
            paint(&format!("{name:<7}"), code, colour),
            finding.code
        );
        if !finding.pointer.is_empty() {
            let _ = write!(out, "  {}", finding.pointer);
        }
        let _ = writeln!(out, "\n           {}", finding.message);
    }
    out
}

/// A severity's name and its colour.
pub fn severity_paint(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Error => ("error", "31"),
        Severity::Warning => ("warning", "33"),
        Severity::Info => ("info", "36"),
    }
}

fn picker(verdict: &Verdict) -> String {
    let mut out = String::from("\nnumber picker (what the help-desk user sees):\n");
    if verdict.picker.is_empty() {
        out.push_str("  (no numbers)\n");
        return out;
    }
    let _ = writeln!(
        out,
        "  {:>2}  {:<width$}  {:<16}  {:<6}  selectable",
        "#",
        "name",
        "number",
        "ext",
        width = FRIENDLY_NAME_LIMIT
    );
    for (index, row) in verdict.picker.iter().enumerate() {
        // Pad by characters, not bytes, so accented and CJK names line up.
        let name_pad = FRIENDLY_NAME_LIMIT.saturating_sub(row.displayed_name.chars().count());
        let selectable = match (&row.reason, row.selectable) {
            (Some(reason), true) => format!("yes ({reason})"),
            (Some(reason), false) => format!("no — {reason}"),
            (None, true) => "yes".into(),
            (None, false) => "no".into(),
        };
        let _ = writeln!(
            out,
            "  {index:>2}  {}{}  {:<16}  {:<6}  {selectable}",
            row.displayed_name,
            " ".repeat(name_pad),
            row.number,
            row.extension.as_deref().unwrap_or("")
        );
    }
    let more = verdict.picker_total.saturating_sub(verdict.picker.len());
    if more > 0 {
        let _ = writeln!(
            out,
            "  … and {more} more rows ({} of {} selectable in all)",
            verdict.picker_selectable, verdict.picker_total
        );
    }
    out
}
