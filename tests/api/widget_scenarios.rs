//! The calling widget's scenario steps through the real binary (`hubspot-emulator run`):
//! `openWidget` starts the browser `CHROMIUM` names on the host page's URL and waits for the
//! handshake, `dial`, `hangup` and `visibility` reach the page, `waitFor.sdkMessage` judges what
//! went; the browser is killed when the run ends; no browser is exit 3 with how to install one.
//!
//! The browser here is a stand-in (a script that records how it was started and sleeps); the
//! test plays the host page it would have loaded, over TCP, against the run's emulator. The real
//! page in a real Chromium is the page's own end-to-end suite's.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{run_binary, stdout_of, test_dir};
use crate::sdk_page::Page;

/// The seed: an app with calling settings, a portal with a contact.
const SEED: &str = r#""apps": [{"name": "dialer", "appId": 1234567, "accessToken": "tok",
    "settings": {"name": "Dialer", "url": "http://127.0.0.1:9/widget"}}],
  "portals": [{"portalId": 62515, "users": [{"userId": 101}],
    "contacts": [{"id": "500", "properties": {"firstname": "Ada", "phone": "(617) 555-0100"}}]}]"#;

fn write_scenarios(dir: &Path, steps: &str) -> String {
    let file = dir.join("widget.json");
    std::fs::write(
        &file,
        format!(
            r#"{{{SEED}, "scenarios": [{{"name": "a call from the widget", "steps": {steps}}}]}}"#
        ),
    )
    .unwrap();
    file.display().to_string()
}

/// An executable shell script `name` in `dir` with this body; its path.
fn script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

/// A stand-in browser: records its arguments and its pid, then sleeps until killed.
fn fake_browser(dir: &Path) -> String {
    let body = format!(
        "printf '%s\\n' \"$@\" > {dir}/args\necho $$ > {dir}/pid\nexec sleep 600\n",
        dir = dir.display()
    );
    script(dir, "chromium", &body)
}

/// The arguments the browser was started with, once it was.
async fn started_with(dir: &Path) -> Vec<String> {
    for _ in 0..500 {
        if let Ok(text) = std::fs::read_to_string(dir.join("args")) {
            if std::fs::metadata(dir.join("pid")).is_ok() {
                return text.lines().map(str::to_string).collect();
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the browser was never started");
}

/// Plays the host page at `url` and the app in it: logs in; answers a dial with a call that
/// HubSpot logs, END_CALL with the call's end (without its engagement id) and completion.
async fn play(url: &str) {
    let (base, query) = url.split_once("/_emulator/ui/calling?").unwrap();
    let field = |name: &str| -> u64 {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap()
            .parse()
            .unwrap()
    };
    let mut page = Page::open_at(
        base,
        json!({"appId": field("appId"), "portalId": field("portalId"), "userId": field("userId")}),
    )
    .await;
    page.ready(true, true).await;
    page.app_sends("LOGGED_IN", Value::Null).await;
    let mut engagement = Value::Null;
    while let Some((event, message)) = page.event().await {
        if event != "command" {
            continue;
        }
        match message["type"].as_str().unwrap() {
            "DIAL_NUMBER" => {
                let started = page
                    .app_sends(
                        "OUTGOING_CALL_STARTED",
                        json!({"externalCallId": "run-1", "toNumber": message["data"]["phoneNumber"], "createEngagement": true}),
                    )
                    .await;
                engagement = started["replies"][0]["data"]["engagementId"].clone();
                page.app_sends("CALL_ANSWERED", json!({"externalCallId": "run-1"}))
                    .await;
            }
            "END_CALL" => {
                page.app_sends(
                    "CALL_ENDED",
                    json!({"externalCallId": "run-1", "callEndStatus": "COMPLETED"}),
                )
                .await;
                page.app_sends(
                    "CALL_COMPLETED",
                    json!({"externalCallId": "run-1", "engagementId": engagement,
                           "engagementProperties": {"hs_call_title": "From the widget"}}),
                )
                .await;
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_run_opens_the_widget_drives_a_call_and_kills_the_browser_at_its_end() {
    let dir = test_dir("widget-run");
    let file = write_scenarios(
        &dir,
        r#"[
          {"openWidget": {"name": "widget", "timeoutMs": 20000}},
          {"dial": {"name": "dialled", "toNumber": "(617) 555-0100"}},
          {"waitFor": {"sdkMessage": {"type": "CREATE_ENGAGEMENT_SUCCEEDED", "direction": "toApp"}}},
          {"waitFor": {"crmObject": {"properties": {"hs_call_external_id": "run-1", "hs_call_direction": "OUTBOUND"},
                                     "associatedWith": [{"objectType": "contacts", "id": "500"}]}}},
          {"hangup": {}},
          {"waitFor": {"name": "ended", "sdkMessage": {"type": "CALL_ENDED", "data": {"externalCallId": "run-1"},
                                                       "codes": ["call-ended-without-engagement-id"]}}},
          {"waitFor": {"sdkMessage": {"type": "CALL_COMPLETED", "data": {"engagementProperties": {"hs_call_title": "From the widget"}}}}},
          {"visibility": {"isMinimized": false, "isHidden": true}},
          {"waitFor": {"sdkMessage": {"type": "VISIBILITY_CHANGED", "direction": "toApp", "data": {"isHidden": true}}}}
        ]"#,
    );
    let browser = fake_browser(&dir);
    let json_report = dir.join("report.json");
    let run = tokio::spawn(run_binary(
        vec![
            "run".into(),
            file,
            "--strict".into(),
            "--json".into(),
            json_report.display().to_string(),
        ],
        vec![("CHROMIUM", browser)],
    ));
    let args = started_with(&dir).await;
    assert_eq!(args[0], "--headless=new");
    let profile = args[1]
        .strip_prefix("--user-data-dir=")
        .expect("a profile of its own")
        .to_string();
    let url = args.last().unwrap().clone();
    assert!(
        url.contains("/_emulator/ui/calling?appId=1234567&portalId=62515&userId=101"),
        "{url}"
    );
    let page = tokio::spawn(async move { play(&url).await });
    let output = run.await.unwrap();
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_report).unwrap()).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{report:#}",
        stdout_of(&output)
    );
    let steps = &report["reports"][0]["steps"];
    assert_eq!(steps[0]["status"], "passed");
    assert_eq!(steps[1]["kind"], "dial");
    assert_eq!(
        steps[5]["findings"][0]["code"],
        "call-ended-without-engagement-id"
    );
    page.await.unwrap();

    // The browser's whole process group is gone, and its profile with it.
    let pid: i32 = std::fs::read_to_string(dir.join("pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut alive = true;
    for _ in 0..100 {
        alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        if !alive {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!alive, "the browser outlived the run");
    assert!(
        !Path::new(&profile).exists(),
        "the profile {profile} was left behind"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn without_a_browser_the_run_exits_3_and_says_how_to_get_one() {
    let dir = test_dir("widget-nobrowser");
    let file = write_scenarios(&dir, r#"[{"openWidget": {}}, {"hangup": {}}]"#);
    let empty = dir.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    for (envs, says) in [
        (
            vec![
                ("CHROMIUM", String::new()),
                ("PATH", empty.display().to_string()),
            ],
            "install chromium (apt-get install chromium) or set CHROMIUM",
        ),
        (
            vec![("CHROMIUM", "/nonexistent/chromium".to_string())],
            "CHROMIUM=/nonexistent/chromium is not an executable file",
        ),
    ] {
        let output = run_binary(vec!["run".into(), file.clone()], envs).await;
        assert_eq!(output.status.code(), Some(3), "{output:?}");
        let text = format!(
            "{}{}",
            stdout_of(&output),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(text.contains(says), "{text}");
    }
    // A browser that dies at once is the environment too.
    let dying = dir.join("dying");
    std::fs::write(
        &dying,
        "#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dying, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = run_binary(
        vec!["run".into(), file],
        vec![("CHROMIUM", dying.display().to_string())],
    )
    .await;
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let text = format!(
        "{}{}",
        stdout_of(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("exited before the widget answered") && text.contains("cannot open display"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_widget_that_never_answers_fails_its_step_and_commands_need_an_open_page() {
    let dir = test_dir("widget-silent");
    let file = write_scenarios(&dir, r#"[{"openWidget": {"timeoutMs": 300}}]"#);
    let browser = fake_browser(&dir);
    let json_report = dir.join("report.json");
    let output = run_binary(
        vec![
            "run".into(),
            file,
            "--json".into(),
            json_report.display().to_string(),
        ],
        vec![("CHROMIUM", browser)],
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(1),
        "the app's contract: {output:?}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_report).unwrap()).unwrap();
    let message = report["reports"][0]["steps"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("the host page never opened a session within 300 ms"),
        "{message}"
    );

    let commands = write_scenarios(&dir, r#"[{"dial": {"toNumber": "+16175550100"}}]"#);
    let output = run_binary(
        vec![
            "run".into(),
            commands,
            "--json".into(),
            json_report.display().to_string(),
        ],
        vec![],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_report).unwrap()).unwrap();
    let message = report["reports"][0]["steps"][0]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("no host page is open"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}
