//! `fixtures/examples/inbound-calls.json` against the demo app, through the real binary: the app
//! logs its inbound calls and passes (under `--strict`, and under a fake clock: the app stamps its
//! calls by the real one); the same scenario against the demo app's mistakes fails with the
//! finding in the reports; and the example shares its declarations with `help-desk.json`, so the
//! two run as one suite.

use serde_json::{json, Value};

use crate::helpers::test_dir;
use crate::scenario_run::{demo_app, path_str, run, ROOT};

fn example() -> Value {
    let text =
        std::fs::read_to_string(format!("{ROOT}/fixtures/examples/inbound-calls.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `run FILE ARGS… --json R --junit J -- demo_app`: the exit code, stdout, stderr, the JSON
/// report and the JUnit file.
async fn run_example(
    name: &str,
    fixture: &Value,
    args: &[&str],
) -> (Option<i32>, String, String, Value, String) {
    let dir = test_dir(name);
    let file = dir.join("inbound-calls.json");
    std::fs::write(&file, serde_json::to_string_pretty(fixture).unwrap()).unwrap();
    let (json, junit) = (dir.join("r.json"), dir.join("junit.xml"));
    let mut all = vec![path_str(&file)];
    all.extend(args.iter().map(|a| a.to_string()));
    all.extend([
        "--json".into(),
        path_str(&json),
        "--junit".into(),
        path_str(&junit),
        "--".into(),
        path_str(&demo_app()),
    ]);
    let (output, _) = run(all).await;
    let report = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        report,
        std::fs::read_to_string(junit).unwrap(),
    )
}

/// The example with the call reported through `/telephony/incoming-call/{mistake}`.
fn with_mistake(mistake: &str) -> Value {
    let mut fixture = example();
    let step = &mut fixture["scenarios"][1]["steps"][1]["http"];
    assert_eq!(step["url"], "/telephony/incoming-call");
    step["url"] = json!(format!("/telephony/incoming-call/{mistake}"));
    fixture
}

/// The step named `name` of the report.
fn named<'r>(report: &'r Value, name: &str) -> &'r Value {
    report["reports"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap())
        .find(|step| step["title"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {report:#}"))
}

#[tokio::test]
async fn the_demo_app_logs_its_inbound_calls_and_passes_under_strict_and_a_fake_clock() {
    let (code, stdout, stderr, report, junit) = run_example(
        "demo-calls-pass",
        &example(),
        &["--strict", "--clock", "2026-01-01T00:00:00Z", "--seed", "7"],
    )
    .await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("3 scenarios: 3 passed, 0 failed · 9 steps: 9 passed"),
        "{stdout}"
    );
    assert!(junit.contains("failures=\"0\""), "{junit}");
    // The call was judged clean: no error, no warning.
    let reported = named(&report, "reported");
    assert_eq!(reported["status"], "passed", "{reported:#}");
    assert!(reported.get("findings").is_none(), "{reported:#}");
    // The app logged what HubSpot told it, and the engagement it read back.
    assert!(
        stderr.contains("inbound call logged in HubSpot external_call_id=\"demo-call-1\"")
            && stderr.contains("\"name\":\"Ada Lovelace\"")
            && stderr.contains("engagement_id=\"100002\""),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_call_the_demo_app_reports_with_numbers_not_in_e164_fails_with_the_finding() {
    let (code, stdout, stderr, report, junit) =
        run_example("demo-calls-not-e164", &with_mistake("not-e164"), &[]).await;
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let reported = named(&report, "reported");
    assert_eq!(reported["status"], "failed", "{reported:#}");
    let refusal = "the inbound call was posted, but HubSpot would not treat it as the app meant: inbound-number-not-e164";
    assert_eq!(reported["message"], refusal, "{reported:#}");
    let codes: Vec<&str> = reported["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["/fromNumber/e164Number", "/toNumber/e164Number"],
        "{reported:#}"
    );
    // The JUnit failure names it, and carries the findings and what the app sent.
    assert!(
        junit.contains(&format!("<failure message=\"{refusal}\" type=\"waitFor\">")),
        "{junit}"
    );
    assert!(junit.contains("&quot;14155552671&quot;"), "{junit}");
    assert!(
        stdout.contains("error inbound-number-not-e164 /fromNumber/e164Number"),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_duration_the_demo_app_reports_in_milliseconds_is_a_warning_that_fails_under_strict() {
    let broken = with_mistake("milliseconds");
    // Without --strict the report passes with its warning, and the engagement's duration, 1000
    // times too long, fails the step that checks it.
    let (code, stdout, stderr, report, _) = run_example("demo-calls-ms", &broken, &[]).await;
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let reported = named(&report, "reported");
    assert_eq!(reported["status"], "passed", "{reported:#}");
    assert_eq!(
        reported["findings"][0]["code"],
        "duration-looks-like-milliseconds"
    );
    assert_eq!(named(&report, "logged")["status"], "failed", "{report:#}");
    let (code, stdout, stderr, report, _) =
        run_example("demo-calls-ms-strict", &broken, &["--strict"]).await;
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert_eq!(
        named(&report, "reported")["message"],
        "the inbound call was posted, but HubSpot would not treat it as the app meant: duration-looks-like-milliseconds"
    );
}

#[tokio::test]
async fn the_inbound_calls_example_and_the_help_desk_example_run_as_one_suite() {
    let dir = test_dir("demo-calls-suite");
    for name in ["help-desk.json", "inbound-calls.json"] {
        std::fs::copy(format!("{ROOT}/fixtures/examples/{name}"), dir.join(name)).unwrap();
    }
    let (output, _) = run(vec![path_str(&dir), "--".into(), path_str(&demo_app())]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("8 scenarios: 8 passed"), "{stdout}");
}
