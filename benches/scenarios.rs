//! What `hubspot-emulator run` costs, through the release binary (`cargo build --release &&
//! cargo run --release --example bench_scenarios -- [--steps N] [--quick] [--bin PATH]`).
//!
//! A fast local receiver runs as a child process (this binary with `receiver`), answering a
//! valid phone-number list. In a temporary directory the bench writes three scenario files and
//! runs `hubspot-emulator run` on each (not in deterministic mode, which zeroes the latencies):
//! - an empty scenario: the fixed cost of a run (process start, emulator bind, stop, report);
//! - one `fire` step: what the first fire adds once per run, beyond its delivery — above all
//!   libphonenumber loading its metadata (`run` starts that load at once, but without an app to
//!   wait for, the first fire comes before it is done);
//! - N `fire` steps (default 1,000): steps per second, and the emulator's own overhead per step,
//!   `(wall time − fixed cost − Σ delivery.latencyMs) / N`, where the sum of the JSON report's
//!   latencies is the time spent waiting on the receiver (as the emulator measures it: its HTTP
//!   client's own work is in it); also without the first fire's one-time cost, over N − 1 steps;
//! - a small CI run of 3 steps (waitFor, fire, api): its wall time, against the target of "well
//!   under a second beyond the app's own start-up" (no app is started here).
//!
//! - and `hubspot-emulator serve` as an app meets it: the app calls the API once (GET its channel
//!   connection, as it does when it registers), starts up for 300 ms, then the first fire
//!   (`POST /_emulator/fire`) is timed against the median of the five after it: what is left of
//!   the first fire's one-time cost once the emulator has loaded the metadata in the background
//!   (the median of five starts; one with `--quick`).
//!
//! Wall times are medians of several runs, after a warm-up run. The table ends with the same
//! figures as `RESULT key value` lines for benches/report.sh. A figure, never an assertion.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "support/emulator.rs"]
mod emulator;
#[path = "support/receiver.rs"]
mod receiver;

struct Options {
    steps: usize,
    big_runs: usize,
    small_runs: usize,
    /// Starts of `serve` whose first fire is timed (the median is reported).
    serve_starts: usize,
    bin: PathBuf,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let quick = args.iter().any(|a| a == "--quick");
    let steps = match value("--steps") {
        Some(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("--steps takes a number, not {text:?}")),
        None if quick => 200,
        None => 1000,
    };
    let bin = emulator::binary(value("--bin"), "bench_scenarios");
    Options {
        steps,
        big_runs: if quick { 1 } else { 3 },
        small_runs: if quick { 3 } else { 10 },
        serve_starts: if quick { 1 } else { 5 },
        bin,
    }
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("receiver") {
        return receiver::serve();
    }
    let options = options();

    let (mut child, url) = receiver::spawn();

    let dir = std::env::temp_dir().join(format!("hse-bench-scenarios-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = write(&dir, "empty.json", &scenario_file(&url, vec![]));
    let fire = json!({"fire": {"portalId": 62515, "userId": 101}});
    let one = write(&dir, "one.json", &scenario_file(&url, vec![fire.clone()]));
    let fires = vec![fire; options.steps];
    let big = write(&dir, "fires.json", &scenario_file(&url, fires));
    let small = write(
        &dir,
        "ci.json",
        &scenario_file(
            &url,
            vec![
                json!({"waitFor": {"channelConnection": {"isReady": true}}}),
                json!({"fire": {"portalId": 62515, "userId": 101,
                                "expect": {"selectableCount": 2}}}),
                json!({"api": {"method": "GET",
                               "path": "/crm/v3/extensions/calling/${apps.bench.appId}/settings/channel-connection",
                               "expect": {"status": 200, "body": {"isReady": true}}}}),
            ],
        ),
    );
    let report = dir.join("report.json");

    // Warm-up: the binary and the files in the page cache.
    run(&options.bin, &empty, &report);
    let fixed = median((0..options.small_runs).map(|_| run(&options.bin, &empty, &report)));
    let mut first_fire_latency = Vec::new();
    let first = median((0..options.small_runs).map(|_| {
        let wall = run(&options.bin, &one, &report);
        first_fire_latency.push(latency(&check(&report, 1)));
        wall
    }));
    first_fire_latency.sort_by(f64::total_cmp);
    let first_latency_ms = first_fire_latency[first_fire_latency.len() / 2];
    let ci = median((0..options.small_runs).map(|_| run(&options.bin, &small, &report)));
    check(&report, 3);

    let mut big_runs: Vec<(Duration, f64, f64)> = (0..options.big_runs)
        .map(|_| {
            let wall = run(&options.bin, &big, &report);
            let report = check(&report, options.steps);
            (
                wall,
                latency(&report),
                report["durationMs"].as_f64().unwrap(),
            )
        })
        .collect();
    big_runs.sort_by_key(|r| r.0);
    let (wall, latency_ms, reported_ms) = big_runs[big_runs.len() / 2];

    // The first fire moves by several ms from one start to the next (which code and data are
    // already in memory): the median of a few starts, each its own first fire.
    let mut serve_runs: Vec<(f64, f64)> = (0..options.serve_starts)
        .map(|_| serve_first_fire(&options.bin, &dir, &url))
        .collect();
    serve_runs.sort_by(|a, b| (a.0 - a.1).total_cmp(&(b.0 - b.1)));
    let (serve_first_ms, serve_next_ms) = serve_runs[serve_runs.len() / 2];

    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let steps = options.steps as f64;
    let beyond_fixed = ms(wall) - ms(fixed);
    let overhead_us = (beyond_fixed - latency_ms) / steps * 1000.0;
    let first_fire_ms = ms(first) - ms(fixed) - first_latency_ms;
    let steady_us =
        (ms(wall) - ms(first) - (latency_ms - first_latency_ms)) / (steps - 1.0).max(1.0) * 1000.0;
    println!(
        "`hubspot-emulator run` ({}), {} fire steps (median of {} runs), small runs median of {}",
        options.bin.display(),
        options.steps,
        options.big_runs,
        options.small_runs
    );
    println!();
    println!("| figure | value |");
    println!("|---|---|");
    println!(
        "| fixed cost of a run (empty scenario: start, bind, stop) | {:.1} ms |",
        ms(fixed)
    );
    println!(
        "| one-time cost of the first fire (libphonenumber's metadata), beyond its delivery | {first_fire_ms:.1} ms |"
    );
    println!(
        "| {} fire steps: wall time | {:.1} ms (report's durationMs {:.1} ms) |",
        options.steps,
        ms(wall),
        reported_ms
    );
    println!(
        "| steps per second | {:.0} beyond the fixed cost ({:.0} without the first fire's one-time cost) |",
        steps / (beyond_fixed / 1000.0),
        (steps - 1.0).max(1.0) / ((ms(wall) - ms(first)) / 1000.0)
    );
    println!(
        "| Σ receiver latency (delivery.latencyMs) | {latency_ms:.1} ms ({:.1} µs per step) |",
        latency_ms / steps * 1000.0
    );
    println!(
        "| emulator overhead per step | {overhead_us:.1} µs ({steady_us:.1} µs without the first fire's one-time cost) |"
    );
    println!(
        "| small CI run (3 steps: waitFor, fire, api): wall time | {:.1} ms ({:.1} ms beyond the fixed cost; target: well under 1 s) |",
        ms(ci),
        ms(ci) - ms(fixed)
    );
    println!(
        "| `serve`: the first fire, 300 ms after the app's first API call, vs the next five (median), the median start of {} | {serve_first_ms:.2} ms vs {serve_next_ms:.2} ms: {:.2} ms extra |",
        options.serve_starts,
        serve_first_ms - serve_next_ms
    );
    // Machine-readable, for benches/report.sh.
    println!();
    let result = |key: &str, value: f64| println!("RESULT scenarios.{key} {value:.2}");
    result("serve_first_fire_ms", serve_first_ms);
    result("serve_next_fire_ms", serve_next_ms);
    result("serve_first_fire_extra_ms", serve_first_ms - serve_next_ms);
    result("fixed_ms", ms(fixed));
    result("first_fire_ms", first_fire_ms);
    result("steps", steps);
    result("wall_ms", ms(wall));
    result("steps_per_s", steps / (beyond_fixed / 1000.0));
    result(
        "steps_per_s_steady",
        (steps - 1.0).max(1.0) / ((ms(wall) - ms(first)) / 1000.0),
    );
    result("overhead_us", overhead_us);
    result("steady_overhead_us", steady_us);
    result("ci_ms", ms(ci));
    result("ci_beyond_fixed_ms", ms(ci) - ms(fixed));
}

/// `serve` on the bench's app (registered at `url`): one API call, 300 ms, then six fires timed
/// (ms): the first, and the median of the five after it.
fn serve_first_fire(bin: &Path, dir: &Path, url: &str) -> (f64, f64) {
    use std::io::{BufRead, BufReader};
    let fixture = write(
        dir,
        "serve.json",
        &json!({
            "apps": [{"name": "bench", "appId": 1234567, "developerApiKey": "bench-key",
                      "clientSecret": "bench-secret",
                      "channelConnection": {"url": url, "isReady": true}}],
            "portals": [{"portalId": 62515, "users": [{"userId": 101}]}]
        })
        .to_string(),
    );
    let mut server = Command::new(bin)
        .args(["serve", "--port", "0", "--fixture"])
        .arg(&fixture)
        .env("HUBSPOT_EMULATOR_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("hubspot-emulator serve");
    let mut first = String::new();
    let mut stdout = BufReader::new(server.stdout.take().expect("piped stdout"));
    let _ = stdout.read_line(&mut first);
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let base = first
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .expect("serve printed its base URL")
        .to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let timed = runtime.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let registered = client
            .get(format!(
                "{base}/crm/v3/extensions/calling/1234567/settings/channel-connection?hapikey=bench-key"
            ))
            .send()
            .await
            .expect("GET channel-connection");
        assert_eq!(registered.status().as_u16(), 200);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut timed = Vec::new();
        for _ in 0..6 {
            let started = Instant::now();
            let verdict = client
                .post(format!("{base}/_emulator/fire"))
                .header("content-type", "application/json")
                .body(r#"{"appId": 1234567, "portalId": 62515, "userId": 101}"#)
                .send()
                .await
                .expect("POST /_emulator/fire");
            assert_eq!(verdict.status().as_u16(), 200, "the fire failed");
            let _ = verdict.bytes().await;
            timed.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        timed
    });
    let _ = server.kill();
    let _ = server.wait();
    let mut next = timed[1..].to_vec();
    next.sort_by(f64::total_cmp);
    (timed[0], next[next.len() / 2])
}

fn scenario_file(url: &str, steps: Vec<Value>) -> String {
    json!({
        "apps": [{"name": "bench", "appId": 1234567, "developerApiKey": "bench-key",
                  "clientSecret": "bench-secret",
                  "channelConnection": {"url": url, "isReady": true}}],
        "portals": [{"portalId": 62515, "users": [{"userId": 101}]}],
        "scenarios": [{"name": "bench", "steps": steps}]
    })
    .to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// One `run` of `file`, writing the JSON report to `report`; its wall time.
fn run(bin: &Path, file: &Path, report: &Path) -> Duration {
    let started = Instant::now();
    let output = Command::new(bin)
        .arg("run")
        .arg(file)
        .arg("--json")
        .arg(report)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("the emulator runs");
    let wall = started.elapsed();
    assert!(
        output.status.success(),
        "run {} failed ({}): {}",
        file.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    wall
}

/// Σ delivery.latencyMs over a report's steps.
fn latency(report: &Value) -> f64 {
    report["reports"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["steps"].as_array().unwrap())
        .filter_map(|s| s["delivery"]["latencyMs"].as_f64())
        .sum()
}

/// The report of the last run, which must have passed `steps` steps.
fn check(report: &Path, steps: usize) -> Value {
    let report: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(report["passed"], true, "{report}");
    assert_eq!(report["steps"]["passed"], steps, "{}", report["steps"]);
    report
}

fn median(values: impl Iterator<Item = Duration>) -> Duration {
    let mut values: Vec<Duration> = values.collect();
    values.sort();
    values[values.len() / 2]
}
