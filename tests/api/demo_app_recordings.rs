//! `fixtures/examples/recordings.json` against the demo app, through the real binary: the app
//! registers its recording URL, logs a call with what HubSpot needs, serves a two-channel WAV
//! honouring `Range`, and passes under `--strict` (its transcript too); each of its broken
//! recording variants (`DEMO_APP_RECORDING`) fails the same scenario with its finding.

use serde_json::Value;

use crate::helpers::test_dir;
use crate::scenario_run::{demo_app, path_str, run, ROOT};

/// `run recordings.json --strict --json R -- env DEMO_APP_RECORDING=… demo_app`: the exit code,
/// stdout, stderr and the JSON report.
async fn run_example(name: &str, variant: Option<&str>) -> (Option<i32>, String, String, Value) {
    let dir = test_dir(name);
    let json = dir.join("r.json");
    let mut args = vec![
        format!("{ROOT}/fixtures/examples/recordings.json"),
        "--strict".into(),
        "--json".into(),
        path_str(&json),
        "--".into(),
        "env".into(),
    ];
    if let Some(variant) = variant {
        args.push(format!("DEMO_APP_RECORDING={variant}"));
    }
    args.push(path_str(&demo_app()));
    let (output, _) = run(args).await;
    let report = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        report,
    )
}

/// The report's `playRecording` step.
fn played(report: &Value) -> &Value {
    report["reports"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap())
        .find(|step| step["kind"] == "playRecording")
        .unwrap_or_else(|| panic!("no playRecording step in {report:#}"))
}

fn codes(step: &Value) -> Vec<&str> {
    step["findings"]
        .as_array()
        .map(|f| f.iter().map(|f| f["code"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_demo_apps_recording_and_transcript_pass_under_strict() {
    let (code, stdout, stderr, report) = run_example("demo-recording-pass", None).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("3 scenarios: 3 passed, 0 failed · 6 steps: 6 passed"),
        "{stdout}"
    );
    let step = played(&report);
    assert_eq!(step["status"], "passed");
    // Only the notes that loopback http is allowed here.
    assert_eq!(
        codes(step),
        ["recording-url-local-http", "authenticated-url-local-http"]
    );
}

#[tokio::test]
async fn each_broken_recording_of_the_demo_app_earns_its_finding() {
    for (variant, code) in [
        ("range-ignored", "recording-range-ignored"),
        ("wrong-type", "recording-content-type"),
        ("mp3", "recording-not-transcribable"),
        ("slow", "slow-reply"),
        ("no-placeholder", "recording-url-no-placeholder"),
    ] {
        let (exit, stdout, stderr, report) =
            run_example(&format!("demo-recording-{variant}"), Some(variant)).await;
        assert_eq!(exit, Some(1), "{variant}: {stdout}\n{stderr}");
        let step = played(&report);
        assert_eq!(step["status"], "failed", "{variant}");
        assert!(codes(step).contains(&code), "{variant}: {step:#}");
    }
}
