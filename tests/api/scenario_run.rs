//! `hubspot-emulator run` as CI uses it, through the real binary: exit codes 0/1/2/3, the JUnit
//! and JSON reports, the app under test started with the emulator's coordinates and stopped
//! with all its children, the schema and every documented example.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::test_dir;

const BIN: &str = env!("CARGO_BIN_EXE_hubspot-emulator");
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The demo app that `cargo test` built beside the binary.
pub fn demo_app() -> PathBuf {
    Path::new(BIN).parent().unwrap().join("examples/demo_app")
}

pub async fn run(args: Vec<String>) -> (Output, Duration) {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let output = Command::new(BIN)
            .arg("run")
            .args(&args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (output, started.elapsed())
    })
    .await
    .unwrap()
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub fn path_str(path: &Path) -> String {
    path.to_str().unwrap().to_string()
}

#[tokio::test]
async fn the_help_desk_example_passes_against_the_demo_app() {
    let dir = test_dir("run-pass");
    let (junit, json) = (dir.join("junit.xml"), dir.join("report.json"));
    let mut args = strings(&[
        &format!("{ROOT}/fixtures/examples/help-desk.json"),
        "--junit",
    ]);
    args.extend([
        path_str(&junit),
        "--json".into(),
        path_str(&json),
        "--".into(),
        path_str(&demo_app()),
    ]);
    let (output, _) = run(args).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("5 scenarios: 5 passed, 0 failed"),
        "{stdout}"
    );
    let junit = std::fs::read_to_string(junit).unwrap();
    assert!(
        junit.contains("tests=\"12\" skipped=\"0\" failures=\"0\""),
        "{junit}"
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(report["passed"], true);
    assert_eq!(report["steps"]["passed"], 12);
    // The probe step passed with the whole suite rejected and the burst in time.
    let probe = report["reports"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap())
        .find(|step| step["kind"] == "probe")
        .expect("a probe step");
    assert_eq!(probe["status"], "passed", "{probe}");
    assert_eq!(
        probe["probe"]["summary"],
        serde_json::json!({"passed": 12, "warnings": 0, "failed": 0, "notRun": 0})
    );
    assert_eq!(probe["probe"]["burst"]["ok"], 50);
    // The app's own output is streamed with a prefix.
    assert!(String::from_utf8_lossy(&output.stderr).contains("[app] demo app listening on"));
}

#[tokio::test]
async fn a_contract_failure_exits_1_with_the_failing_testcase_in_junit() {
    let dir = test_dir("run-fail");
    let junit = dir.join("junit.xml");
    let mut args = strings(&[
        &format!("{ROOT}/fixtures/examples/failures.json"),
        "--junit",
    ]);
    args.extend([path_str(&junit), "--".into(), path_str(&demo_app())]);
    let (output, _) = run(args).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("expected outcome pass, got fail (e164-syntax)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("X-HubSpot-Signature-v3: "),
        "the delivery is shown: {stdout}"
    );
    let junit = std::fs::read_to_string(junit).unwrap();
    assert!(
        junit.contains(
            "<failure message=\"expected outcome pass, got fail (e164-syntax)\" type=\"fire\">"
        ),
        "{junit}"
    );
    assert!(
        junit.contains("(415) 555-2671"),
        "the reply is in the failure body"
    );
    assert!(junit.contains("<failure message=\"expected status 200, got 404\" type=\"api\">"));
    // The burst against the slow endpoint misses the 1000 ms timeout.
    assert!(
        junit.contains(
            "<failure message=\"expected the probes to pass, they failed: slow-under-load\" type=\"probe\">"
        ),
        "{junit}"
    );
}

#[tokio::test]
async fn a_malformed_fixture_exits_2_naming_the_path() {
    let dir = test_dir("run-bad");
    let file = dir.join("bad.json");
    std::fs::write(&file, r#"{"apps": [], "scenarios": [{"name": "x", "steps": [{"fire": {"portalId": "one", "userId": 1}}]}]}"#).unwrap();
    let (output, _) = run(vec![path_str(&file)]).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.json: $.scenarios[0].steps[0].fire.portalId"),
        "{stderr}"
    );

    std::fs::write(
        &file,
        "{\n  \"scenarios\": [\n    {\"name\": \"x\" \"steps\": []}]}",
    )
    .unwrap();
    let (output, _) = run(vec![path_str(&file)]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad.json: line 3, column"));
}

/// A scenario file whose app needs a first waitFor, and an app script that records its own pid
/// and its child's, so the test can check nothing outlives the run.
fn app_fixture(dir: &Path) -> PathBuf {
    let file = dir.join("scenario.json");
    std::fs::write(
        &file,
        r#"{"apps": [{"name": "a", "appId": 5, "developerApiKey": "k", "clientSecret": "s"}],
            "scenarios": [{"name": "needs the app", "steps": [
              {"waitFor": {"channelConnection": {"app": "a"}, "timeoutMs": 1500}}]}]}"#,
    )
    .unwrap();
    file
}

fn app_script(dir: &Path, body: &str) -> Vec<String> {
    let pids = dir.join("pids");
    strings(&[
        "sh",
        "-c",
        &format!(
            "echo $$ > {0}; sleep 60 & echo $! >> {0}; {body}",
            pids.display()
        ),
    ])
}

fn assert_no_process_left(dir: &Path) {
    let pids = std::fs::read_to_string(dir.join("pids")).unwrap_or_default();
    let pids: Vec<&str> = pids.split_whitespace().collect();
    assert_eq!(pids.len(), 2, "the script recorded its pids");
    std::thread::sleep(Duration::from_millis(200));
    for pid in pids {
        let alive = Path::new(&format!("/proc/{pid}")).exists()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default()
                .contains(") Z ");
        assert!(!alive, "process {pid} outlived the run");
    }
}

#[tokio::test]
async fn an_app_that_exits_early_is_exit_3() {
    let dir = test_dir("run-early");
    let mut args = vec![path_str(&app_fixture(&dir)), "--".into()];
    args.extend(app_script(&dir, "sleep 0.2; exit 4"));
    let (output, took) = run(args).await;
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("the app exited early"));
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert_no_process_left(&dir);
}

#[tokio::test]
async fn an_app_that_never_gets_ready_is_exit_3_within_the_timeout() {
    // Gate by --app-ready: a URL nobody answers.
    let dir = test_dir("run-never-ready");
    let mut args = vec![
        path_str(&app_fixture(&dir)),
        "--app-ready".into(),
        "http://127.0.0.1:9/health".into(),
        "--app-timeout-ms".into(),
        "1000".into(),
        "--".into(),
    ];
    args.extend(app_script(&dir, "wait"));
    let (output, took) = run(args).await;
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did not answer 2xx"));
    assert!(took < Duration::from_secs(15), "{took:?}");
    assert_no_process_left(&dir);

    // Gate by the first waitFor: the app runs but never registers.
    let dir = test_dir("run-never-registers");
    let mut args = vec![path_str(&app_fixture(&dir)), "--".into()];
    args.extend(app_script(&dir, "wait"));
    let (output, took) = run(args).await;
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("never became ready"));
    assert!(took < Duration::from_secs(15), "{took:?}");
    assert_no_process_left(&dir);
}

#[tokio::test]
async fn a_directory_runs_every_scenario_file_in_it() {
    let dir = test_dir("run-dir");
    for (name, user) in [("a.json", 1), ("b.json", 2)] {
        std::fs::write(
            dir.join(name),
            format!(
                r#"{{"apps": [{{"name": "a", "appId": 5, "developerApiKey": "k", "clientSecret": "s"}}],
                    "scenarios": [{{"name": "{name}", "steps": [
                      {{"setUserFlag": {{"portalId": 1, "userId": {user}, "supportsChannelConnection": true}}}},
                      {{"fire": {{"portalId": 1, "userId": {user}, "expect": {{"outcome": "not-registered"}}}}}}]}}]}}"#
            ),
        )
        .unwrap();
    }
    std::fs::write(dir.join("schema.json"), "{\"not\": \"a fixture\"}").unwrap();
    let (output, _) = run(vec![path_str(&dir)]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("2 scenarios: 2 passed"), "{stdout}");
}

#[test]
fn the_schema_file_is_generated_from_the_types() {
    let committed = std::fs::read_to_string(format!("{ROOT}/fixtures/schema.json")).unwrap();
    assert!(
        committed == hubspot_emulator::fixture::schema::fixture_schema(),
        "fixtures/schema.json is stale: run `cargo run -- schema > fixtures/schema.json`"
    );
}

/// Every fixture the project ships or documents loads, and the schema accepts it.
#[test]
fn every_example_loads_and_matches_the_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/fixtures/schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut documents: Vec<(String, String)> = Vec::new();
    for dir in ["fixtures", "fixtures/examples", "benches/fixtures"] {
        for entry in std::fs::read_dir(format!("{ROOT}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") && !path.ends_with("schema.json") {
                documents.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    // The documentation: the README and every page of docs/. Its fixture-like ```json blocks
    // (those declaring `apps`, `portals` or `scenarios`; the others are replies, verdicts and
    // steps) are fixtures too.
    let mut pages = vec![format!("{ROOT}/README.md")];
    let mut docs: Vec<String> = std::fs::read_dir(format!("{ROOT}/docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path().display().to_string())
        .filter(|path| path.ends_with(".md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    let mut count = 0;
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for (index, block) in text.split("```json\n").skip(1).enumerate() {
            let block = block.split("\n```").next().unwrap();
            if ["\"apps\"", "\"portals\"", "\"scenarios\""]
                .iter()
                .any(|key| block.contains(key))
            {
                documents.push((format!("{page} block {index}"), block.to_string()));
                count += 1;
            }
        }
    }
    assert!(count >= 2, "the documentation has fixture examples");
    for (name, text) in documents {
        hubspot_emulator::fixture::loader::parse_fixture(&name, &text)
            .unwrap_or_else(|e| panic!("{e}"));
        let value: Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{name} does not match the schema: {errors:?}"
        );
    }
}
