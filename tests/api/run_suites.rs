//! `hubspot-emulator run` on suites a user writes after following the README: timestamps checked
//! by the app under a fake clock, scenarios split across files that share one seed, mistakes in
//! the files found before the app starts, and reports written even when the run could not be
//! judged. Through the real binary, against the demo app or a shell script.

use std::path::Path;

use serde_json::{json, Value};

use crate::helpers::test_dir;
use crate::scenario_run::{demo_app, path_str, run, strings, ROOT};

fn help_desk() -> Value {
    let text = std::fs::read_to_string(format!("{ROOT}/fixtures/examples/help-desk.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

/// `run ARGS… -- demo_app`: the exit code, stdout and stderr.
async fn run_against_the_demo_app(mut args: Vec<String>) -> (Option<i32>, String, String) {
    args.extend(["--".into(), path_str(&demo_app())]);
    let (output, _) = run(args).await;
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_timestamp_checking_app_passes_under_the_fake_clock() {
    // The demo app refuses a v3 timestamp more than 5 minutes from its own clock, as HubSpot
    // tells apps to; the fake clock starts in 2026-01-01, the deliveries must not.
    let dir = test_dir("run-fake-clock");
    let report = dir.join("report.json");
    let (code, stdout, stderr) = run_against_the_demo_app(vec![
        format!("{ROOT}/fixtures/examples/help-desk.json"),
        "--clock".into(),
        "2026-01-01T00:00:00Z".into(),
        "--seed".into(),
        "7".into(),
        "--json".into(),
        path_str(&report),
    ])
    .await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("5 scenarios: 5 passed"), "{stdout}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    let fire = report["reports"][1]["steps"][0]["delivery"]["request"]["headers"]
        .as_array()
        .unwrap()
        .clone();
    for (name, placeholder) in [
        ("X-HubSpot-Request-Timestamp", "[timestamp]"),
        ("X-HubSpot-Signature-v3", "[v3 signature]"),
    ] {
        assert!(
            fire.contains(&json!([name, placeholder])),
            "{name} is masked in the deterministic report: {fire:?}"
        );
    }
}

/// The help-desk example split in three: the seed and the start-up scenario, then two files of
/// scenarios only, which act on the state the app registered in the first.
fn split_help_desk(dir: &Path) {
    let mut seed = help_desk();
    let scenarios = seed["scenarios"].as_array().unwrap().clone();
    seed["scenarios"] = json!([scenarios[0]]);
    write_json(&dir.join("1-start-up.json"), &seed);
    write_json(
        &dir.join("2-numbers.json"),
        &json!({"scenarios": scenarios[1..3]}),
    );
    write_json(
        &dir.join("3-readiness.json"),
        &json!({"scenarios": scenarios[3..]}),
    );
}

#[tokio::test]
async fn a_directory_of_files_with_scenarios_only_shares_one_seed() {
    let dir = test_dir("run-split");
    split_help_desk(&dir);
    let (code, stdout, stderr) = run_against_the_demo_app(vec![path_str(&dir)]).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("5 scenarios: 5 passed"), "{stdout}");
    for file in ["1-start-up.json", "2-numbers.json", "3-readiness.json"] {
        assert!(stdout.contains(file), "{file} in {stdout}");
    }
}

#[tokio::test]
async fn the_same_app_declared_in_two_files_is_one_and_a_differing_one_is_exit_2() {
    let dir = test_dir("run-declared-twice");
    split_help_desk(&dir);
    // The same declaration again, beside the scenarios: still one app, the state is kept.
    let mut again = help_desk();
    again["scenarios"] = json!([]);
    let mut numbers: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("2-numbers.json")).unwrap())
            .unwrap();
    numbers["apps"] = again["apps"].clone();
    write_json(&dir.join("2-numbers.json"), &numbers);
    let (code, stdout, stderr) = run_against_the_demo_app(vec![path_str(&dir)]).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");

    // A different client secret for the same appId: which one signs? A fixture error.
    numbers["apps"][0]["clientSecret"] = json!("another-secret");
    write_json(&dir.join("2-numbers.json"), &numbers);
    let spawned = dir.join("spawned");
    let mut args = vec![path_str(&dir), "--".into()];
    args.extend(strings(&[
        "sh",
        "-c",
        &format!("touch {}", spawned.display()),
    ]));
    let (output, _) = run(args).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("2-numbers.json: $.apps[0]: app 1234567"),
        "{stderr}"
    );
    assert!(stderr.contains("1-start-up.json ($.apps[0])"), "{stderr}");
    assert!(!spawned.exists(), "the app was started");
}

/// `run FILE -- sh -c 'touch spawned'` for a file with these steps: the exit code, stderr, and
/// whether the app was started.
async fn run_steps(name: &str, steps: Value) -> (Option<i32>, String, bool) {
    let dir = test_dir(name);
    let mut file = help_desk();
    file["scenarios"] = json!([{"name": "s", "steps": steps}]);
    write_json(&dir.join("s.json"), &file);
    let spawned = dir.join("spawned");
    let mut args = vec![path_str(&dir.join("s.json")), "--".into()];
    args.extend(strings(&[
        "sh",
        "-c",
        &format!("touch {}; sleep 5", spawned.display()),
    ]));
    let (output, _) = run(args).await;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr, spawned.exists())
}

#[tokio::test]
async fn a_bad_regex_is_exit_2_before_the_app_starts() {
    let (code, stderr, spawned) = run_steps(
        "bad-regex",
        json!([{"waitFor": {"channelConnection": {"urlMatches": "^http://(127.0.0.1"}}}]),
    )
    .await;
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("s.json: $.scenarios[0].steps[0].waitFor.channelConnection.urlMatches: \"^http://(127.0.0.1\" is not a usable regular expression: unclosed group"),
        "{stderr}"
    );
    assert!(!spawned, "no app process was spawned");
}

#[tokio::test]
async fn unknown_app_names_are_exit_2_before_the_app_starts() {
    for (steps, path) in [
        (
            json!([{"fire": {"app": "dmeo", "portalId": 62515, "userId": 101}}]),
            "$.scenarios[0].steps[0].fire.app: no app named \"dmeo\"; the run's files declare [\"demo\"]",
        ),
        (
            json!([{"api": {"method": "GET", "path": "/crm/v3/extensions/calling/${apps.dmeo.appId}/settings"}}]),
            "$.scenarios[0].steps[0].api.path: ${apps.dmeo.appId}: no app named \"dmeo\"",
        ),
    ] {
        let (code, stderr, spawned) = run_steps("unknown-app", steps).await;
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(path), "{path} in {stderr}");
        assert!(!spawned, "no app process was spawned");
    }
}

#[tokio::test]
async fn reports_are_written_when_the_app_exits_early() {
    let dir = test_dir("run-reports-on-exit-3");
    let (junit, report) = (dir.join("junit.xml"), dir.join("report.json"));
    let mut file = help_desk();
    // The first scenario ends before the app exits; the second is waiting when it does.
    file["scenarios"] = json!([
        {"name": "before the exit", "steps": [{"setUserFlag": {"portalId": 62515, "userId": 102, "supportsChannelConnection": true}}]},
        {"name": "needs the app", "steps": [
            {"waitFor": {"channelConnection": {}, "timeoutMs": 5000}},
            {"fire": {"portalId": 62515, "userId": 101}}]}
    ]);
    write_json(&dir.join("s.json"), &file);
    let mut args = vec![
        path_str(&dir.join("s.json")),
        "--junit".into(),
        path_str(&junit),
        "--json".into(),
        path_str(&report),
        "--".into(),
    ];
    args.extend(strings(&[
        "sh",
        "-c",
        "sleep 0.3; echo crashing >&2; exit 4",
    ]));
    let (output, _) = run(args).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("the run could not be judged: the app exited early (exit status: 4)"),
        "{stdout}"
    );

    let junit = std::fs::read_to_string(&junit).expect("a JUnit file on exit 3");
    assert!(junit.contains("errors=\"1\""), "{junit}");
    assert!(
        junit.contains("<error message=\"the app exited early (exit status: 4) while the scenarios ran\" type=\"infrastructure\""),
        "{junit}"
    );
    // Both scenarios are in the reports: the one that ended, and the one cut short.
    assert!(
        junit.contains("name=\"1 setUserFlag portal 62515 user 102 = true\""),
        "{junit}"
    );
    assert!(
        junit.contains("not run: the run ended before this step"),
        "{junit}"
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(report["passed"], false);
    assert!(report["error"].as_str().unwrap().contains("exited early"));
    assert_eq!(report["reports"][0]["passed"], true, "{report}");
    assert_eq!(report["reports"][1]["passed"], false, "{report}");
    let statuses: Vec<&Value> = report["reports"][1]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["status"])
        .collect();
    assert_eq!(statuses, [&json!("skipped"), &json!("skipped")], "{report}");
}

#[tokio::test]
async fn reports_are_written_when_the_app_never_gets_ready() {
    let dir = test_dir("run-reports-never-ready");
    let junit = dir.join("junit.xml");
    let mut file = help_desk();
    file["scenarios"] = json!([{"name": "needs the app", "steps": [
        {"waitFor": {"channelConnection": {}, "timeoutMs": 300}}]}]);
    write_json(&dir.join("s.json"), &file);
    let mut args = vec![
        path_str(&dir.join("s.json")),
        "--junit".into(),
        path_str(&junit),
        "--".into(),
    ];
    args.extend(strings(&["sleep", "30"]));
    let (output, _) = run(args).await;
    assert_eq!(output.status.code(), Some(3));
    let junit = std::fs::read_to_string(&junit).expect("a JUnit file on exit 3");
    // The waitFor's failure and the error that says why the run stopped.
    assert!(junit.contains("failures=\"1\""), "{junit}");
    assert!(junit.contains("the app never became ready"), "{junit}");
}
