//! Bounded memory: does the emulator's resident memory stay flat over a long run of deliveries?
//! (`cargo build --release --bins --examples && target/release/examples/bench_memory
//! [--deliveries N] [--quick] [--concurrency N] [--api-per-fire N] [--sample-every N]
//! [--journal-capacity N] [--delivery-capacity N] [--reply-padding BYTES] [--idle-seconds S]
//! [--bin PATH] [--keep]`)
//!
//! The real binary runs as a child process, `hubspot-emulator serve --port 0` on a fixture whose
//! app's channel connection points at a fast local receiver (this binary with `receiver`, a
//! child process too, answering a valid phone-number list). Then `--concurrency` threads (8),
//! each with its own `reqwest` client on its own keep-alive connection, fire N deliveries
//! (200,000; `--quick`: 8,000) through `POST /_emulator/fire`, each followed by
//! `--api-per-fire` calls of the settings API (1; `--quick`: 4; three GETs of the channel
//! connection for every PATCH that leaves it as it is), so that both ring buffers, the delivery
//! journal (1,000 verdicts by default) and the API journal (10,000 calls), fill and then turn
//! over again and again.
//!
//! Every `--sample-every` deliveries (N / 40) it reads the emulator's VmRSS and RssAnon from
//! /proc/PID/status. Warm-up ends at the first sample at which both journals are full and have
//! turned over once (twice their capacity written: the capacities are read from the emulator
//! itself) and at least 10 % of the deliveries are done. Turned over, not just full: a ring
//! buffer's backing store may be larger than its capacity (a `VecDeque` grown by doubling holds
//! 16,384 slots for 10,000 entries) and its pages are first touched as the ring wraps.
//! It prints the samples, RSS after start, after warm-up and at the end, the growth from warm-up
//! to the end (MiB and %), the least-squares slope of RSS over the samples after warm-up and
//! the growth over the second half after warm-up (bytes per delivery: a leak grows there as
//! steadily as anywhere, while the allocator's settling is mostly over), RSS once the load has
//! stopped (`--idle-seconds`, 2: time enough to attach gdb or heaptrack when longer),
//! deliveries per second, and a verdict: "flat" when the growth is at most 1 MiB or 5 % of the
//! warm-up figure, whichever is larger; "GROWING" otherwise. Last come `RESULT key value`
//! lines for benches/report.sh. `--journal-capacity` and `--delivery-capacity` are handed to
//! `serve`, to see what the journals weigh; `--reply-padding BYTES` makes the receiver's reply
//! that much longer (an unknown `padding` field, a warning: deliveries still pass), for the
//! worst case of the delivery journal, which keeps up to 64 KiB of each reply.
//!
//! RSS is a figure, never an assertion; but the run exits 1 when any call failed (a non-200 from
//! the control API or the settings API, or a verdict other than `pass`): a benchmark of failures
//! is worthless. Exit 2: bad usage or the emulator could not be started.
//!
//! Only loopback (127.0.0.1). The fixture's client secret signs the deliveries; it is never
//! printed.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, Method};
use serde::Deserialize;
use tokio::runtime::Runtime;

#[path = "support/emulator.rs"]
mod emulator;
#[path = "support/process.rs"]
mod process;
#[path = "support/receiver.rs"]
mod receiver;

use process::{memory, Memory, Reaped};

const APP_ID: u64 = 1234567;
const API_KEY: &str = "bench-key";
const FIRE_BODY: &str = r#"{"appId":1234567,"portalId":62515,"userId":101}"#;
const PATCH_BODY: &str = r#"{"isReady":true}"#;
const MIB: f64 = 1024.0 * 1024.0;

struct Options {
    deliveries: u64,
    concurrency: usize,
    api_per_fire: u64,
    sample_every: u64,
    journal_capacity: Option<usize>,
    delivery_capacity: Option<usize>,
    bin: PathBuf,
    idle_seconds: u64,
    reply_padding: u64,
    keep: bool,
    quick: bool,
}

fn usage_error(message: &str) -> ! {
    eprintln!("bench_memory: {message} (see the doc comment of benches/memory.rs)");
    std::process::exit(2);
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let known_flags = [
        "--quick",
        "--keep",
        "--deliveries",
        "--concurrency",
        "--api-per-fire",
        "--sample-every",
        "--journal-capacity",
        "--delivery-capacity",
        "--bin",
        "--idle-seconds",
        "--reply-padding",
    ];
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if !known_flags.contains(&arg) {
            usage_error(&format!("unknown argument {arg:?}"));
        }
        i += if arg == "--quick" || arg == "--keep" {
            1
        } else {
            2
        };
    }
    let value = |name: &str| -> Option<String> {
        let i = args.iter().position(|a| a == name)?;
        Some(
            args.get(i + 1)
                .cloned()
                .unwrap_or_else(|| usage_error(&format!("{name} needs a value"))),
        )
    };
    let number = |name: &str| -> Option<u64> {
        value(name).map(|text| {
            text.replace([',', '_'], "")
                .parse()
                .unwrap_or_else(|_| usage_error(&format!("{name} takes a number, not {text:?}")))
        })
    };
    let quick = args.iter().any(|a| a == "--quick");
    let deliveries = number("--deliveries").unwrap_or(if quick { 8_000 } else { 200_000 });
    if deliveries < 100 {
        usage_error("--deliveries must be at least 100");
    }
    let concurrency = number("--concurrency").unwrap_or(8).clamp(1, 256) as usize;
    let api_per_fire = number("--api-per-fire").unwrap_or(if quick { 4 } else { 1 });
    let sample_every = number("--sample-every")
        .unwrap_or((deliveries / 40).max(100))
        .max(1);
    let bin = emulator::binary(
        value("--bin").or_else(|| std::env::var("EMULATOR_BIN").ok()),
        "bench_memory",
    );
    Options {
        deliveries,
        concurrency,
        api_per_fire,
        sample_every,
        journal_capacity: number("--journal-capacity").map(|n| n as usize),
        delivery_capacity: number("--delivery-capacity").map(|n| n as usize),
        bin,
        idle_seconds: number("--idle-seconds").unwrap_or(2),
        reply_padding: number("--reply-padding").unwrap_or(0),
        keep: args.iter().any(|a| a == "--keep"),
        quick,
    }
}

struct Sample {
    deliveries: u64,
    api_calls: u64,
    seconds: f64,
    memory: Memory,
}

/// A tokio runtime on the calling thread: each load thread has its own, so a call and its
/// connection stay on the thread that makes it.
fn new_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// An HTTP client keeping at most one idle keep-alive connection: a worker calls one request at
/// a time, so each worker's client holds one connection, opened again only if the emulator
/// closes it.
fn client() -> Client {
    Client::builder()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .read_timeout(Duration::from_secs(60))
        // Loopback only, whatever HTTP_PROXY says.
        .no_proxy()
        .build()
        .expect("an HTTP client")
}

/// Sends one request (a JSON body with its `Content-Type`, if any); the status and the body.
async fn call(
    client: &Client,
    method: Method,
    url: &str,
    json: Option<&'static str>,
) -> Result<(u16, Vec<u8>), String> {
    let mut request = client.request(method, url);
    if let Some(json) = json {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json);
    }
    let response = request.send().await.map_err(describe)?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(describe)?;
    Ok((status, body.to_vec()))
}

/// A client error and its causes, without the URL (a settings-API URL carries the API key).
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// What every load thread shares.
struct Load {
    /// `http://127.0.0.1:PORT`.
    base: String,
    deliveries: u64,
    api_per_fire: u64,
    next: AtomicU64,
    fired: AtomicU64,
    api_calls: AtomicU64,
    failed: AtomicU64,
    /// The first few failures, described without secrets (status, error message, finding codes).
    failures: Mutex<Vec<String>>,
    stop: AtomicBool,
}

#[derive(Deserialize)]
struct VerdictSummary {
    outcome: String,
    #[serde(default)]
    findings: Vec<FindingCode>,
}

#[derive(Deserialize)]
struct FindingCode {
    code: String,
}

impl Load {
    fn fail(&self, what: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let mut failures = self.failures.lock().unwrap();
        if failures.len() < 5 {
            failures.push(what);
        }
    }

    /// One load thread: fires and calls the settings API until the deliveries are all taken.
    async fn worker(&self) {
        let client = client();
        let fire_url = format!("{}/_emulator/fire", self.base);
        let api_url = format!(
            "{}/crm/v3/extensions/calling/{APP_ID}/settings/channel-connection?hapikey={API_KEY}",
            self.base
        );
        let mut api_count = 0u64;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            if n >= self.deliveries {
                return;
            }
            match call(&client, Method::POST, &fire_url, Some(FIRE_BODY)).await {
                Ok((200, body)) => match serde_json::from_slice::<VerdictSummary>(&body) {
                    Ok(v) if v.outcome == "pass" => {}
                    Ok(v) => {
                        let codes: Vec<&str> = v.findings.iter().map(|f| f.code.as_str()).collect();
                        self.fail(format!(
                            "fire #{n}: outcome {}, findings {codes:?}",
                            v.outcome
                        ))
                    }
                    Err(e) => self.fail(format!("fire #{n}: the verdict is not JSON: {e}")),
                },
                Ok((status, body)) => self.fail(format!(
                    "fire #{n}: POST /_emulator/fire answered {status}: {}",
                    error_message(&body)
                )),
                Err(e) => self.fail(format!("fire #{n}: {e}")),
            }
            self.fired.fetch_add(1, Ordering::Relaxed);
            for _ in 0..self.api_per_fire {
                api_count += 1;
                // Three GETs for every PATCH; the PATCH leaves the connection as it is (ready).
                let (method, json) = if api_count.is_multiple_of(4) {
                    (Method::PATCH, Some(PATCH_BODY))
                } else {
                    (Method::GET, None)
                };
                match call(&client, method.clone(), &api_url, json).await {
                    Ok((200, _)) => {}
                    // The URL carries the API key: name the call without it.
                    Ok((status, body)) => self.fail(format!(
                        "{method} channel-connection answered {status}: {}",
                        error_message(&body)
                    )),
                    Err(e) => self.fail(format!("{method} channel-connection: {e}")),
                }
                self.api_calls.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// The `message` or `error` of an error body, shortened; never the request.
fn error_message(body: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = value["error"]
        .as_str()
        .or(value["message"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
    text.chars().take(300).collect()
}

/// `GET path` once on a fresh connection, from the main thread; the JSON body.
fn get_json(runtime: &Runtime, base: &str, path: &str) -> Result<serde_json::Value, String> {
    let url = format!("{base}{path}");
    match runtime.block_on(call(&client(), Method::GET, &url, None)) {
        Ok((200, body)) => serde_json::from_slice(&body).map_err(|e| format!("GET {path}: {e}")),
        Ok((status, _)) => Err(format!("GET {path} answered {status}")),
        Err(e) => Err(format!("GET {path}: {e}")),
    }
}

fn fixture(url: &str) -> String {
    serde_json::json!({
        "apps": [{"name": "bench", "appId": APP_ID, "developerApiKey": API_KEY,
                  "accessToken": "bench-token", "clientSecret": "bench-secret",
                  "channelConnection": {"url": url, "isReady": true}}],
        "portals": [{"portalId": 62515, "users": [{"userId": 101, "supportsChannelConnection": true}]}]
    })
    .to_string()
}

/// Starts `hubspot-emulator serve`; returns it and its `http://127.0.0.1:PORT`.
fn start_emulator(
    runtime: &Runtime,
    options: &Options,
    fixture: &Path,
    log: &Path,
) -> Result<(Reaped, String), String> {
    let mut command = Command::new(&options.bin);
    command
        .args(["serve", "--host", "127.0.0.1", "--port", "0", "--fixture"])
        .arg(fixture)
        // Each delivery logs an info line; warnings and errors are enough here (in the log file).
        .env("HUBSPOT_EMULATOR_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("the log file"));
    if let Some(n) = options.journal_capacity {
        command.arg("--journal-capacity").arg(n.to_string());
    }
    if let Some(n) = options.delivery_capacity {
        command.arg("--delivery-capacity").arg(n.to_string());
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", options.bin.display()))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let child = Reaped(child);
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    let _ = reader.read_line(&mut first);
    // The banner's other lines carry credentials: read and drop them, never print them.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let base = first
        .split("http://")
        .nth(1)
        .map(|rest| rest.split_whitespace().next().unwrap_or(""))
        .filter(|a| a.starts_with("127.0.0.1:"))
        .map(|address| format!("http://{address}"))
        .ok_or_else(|| {
            format!(
                "the emulator printed no http://127.0.0.1:PORT line; its log:\n{}",
                tail(log)
            )
        })?;
    let deadline = Instant::now() + Duration::from_secs(15);
    while let Err(e) = get_json(runtime, &base, "/_emulator/health") {
        if Instant::now() > deadline {
            return Err(format!("/_emulator/health never answered 200 ({e})"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((child, base))
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / MIB
}

/// 200000 → "200,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Least-squares slope of RSS (bytes) against deliveries.
fn slope(samples: &[Sample]) -> f64 {
    let n = samples.len() as f64;
    if samples.len() < 2 {
        return 0.0;
    }
    let mx = samples.iter().map(|s| s.deliveries as f64).sum::<f64>() / n;
    let my = samples.iter().map(|s| s.memory.rss as f64).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for s in samples {
        let dx = s.deliveries as f64 - mx;
        sxy += dx * (s.memory.rss as f64 - my);
        sxx += dx * dx;
    }
    if sxx == 0.0 {
        0.0
    } else {
        sxy / sxx
    }
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("receiver") {
        return receiver::serve();
    }
    let options = options();
    // Every child is reaped when `run` returns, before the process exits.
    let code = run(&options).unwrap_or_else(|e| {
        eprintln!("bench_memory: {e}");
        2
    });
    std::process::exit(code);
}

/// The benchmark; the exit code (0 ok, 1 failed calls), or why it could not run.
fn run(options: &Options) -> Result<i32, String> {
    let dir = std::env::temp_dir().join(format!("hse-bench-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a work directory");
    if options.reply_padding > 0 {
        // Read by the receiver (a child process); set while this process has one thread.
        std::env::set_var("BENCH_REPLY_PADDING", options.reply_padding.to_string());
    }
    let (receiver_child, url) = receiver::spawn();
    let _receiver = Reaped(receiver_child);
    let fixture_path = dir.join("fixture.json");
    std::fs::write(&fixture_path, fixture(&url)).expect("the fixture");
    let log = dir.join("emulator.log");
    // The main thread's calls (health, capacities, the journals at the end), on a runtime of its
    // own that runs in the background: a dropped client's connection is closed at once, not
    // left open until the next call.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (emulator, base) = start_emulator(&runtime, options, &fixture_path, &log)?;
    let pid = emulator.0.id();

    // The capacities, as the emulator itself reports them.
    let capacity = |path: &str| -> Result<u64, String> {
        get_json(&runtime, &base, path)?["capacity"]
            .as_u64()
            .ok_or_else(|| format!("GET {path} gave no capacity"))
    };
    let delivery_capacity = capacity("/_emulator/deliveries?limit=0")?;
    let journal_capacity = capacity("/_emulator/requests?limit=0")?;

    std::thread::sleep(Duration::from_millis(300));
    let started_memory = memory(pid);

    let load = Arc::new(Load {
        base: base.clone(),
        deliveries: options.deliveries,
        api_per_fire: options.api_per_fire,
        next: AtomicU64::new(0),
        fired: AtomicU64::new(0),
        api_calls: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        failures: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
    });
    let started = Instant::now();
    let threads: Vec<_> = (0..options.concurrency)
        .map(|_| {
            let load = load.clone();
            std::thread::spawn(move || new_runtime().block_on(load.worker()))
        })
        .collect();

    // Journals full and turned over once: the delivery journal after 2 × `delivery_capacity`
    // fires, the API journal after 2 × `journal_capacity` calls; and a tenth of the run done.
    let warm_fires =
        (2 * delivery_capacity)
            .max(options.deliveries / 10)
            .max(match options.api_per_fire {
                0 => 0,
                per_fire => (2 * journal_capacity).div_ceil(per_fire),
            });
    let mut samples = vec![Sample {
        deliveries: 0,
        api_calls: 0,
        seconds: 0.0,
        memory: started_memory,
    }];
    let mut next_sample = options.sample_every;
    let mut warm_index = None;
    loop {
        let done = load.fired.load(Ordering::Relaxed);
        let finished = threads.iter().all(|t| t.is_finished());
        if done >= next_sample || finished {
            samples.push(Sample {
                deliveries: done,
                api_calls: load.api_calls.load(Ordering::Relaxed),
                seconds: started.elapsed().as_secs_f64(),
                memory: memory(pid),
            });
            let api_full = options.api_per_fire == 0
                || samples.last().unwrap().api_calls >= 2 * journal_capacity;
            if warm_index.is_none() && done >= warm_fires && api_full && !finished {
                warm_index = Some(samples.len() - 1);
            }
            while next_sample <= done {
                next_sample += options.sample_every;
            }
        }
        if finished {
            break;
        }
        if load.failed.load(Ordering::Relaxed) > 1000 {
            load.stop.store(true, Ordering::Relaxed);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let wall = started.elapsed().as_secs_f64();
    for thread in threads {
        thread.join().expect("a load thread panicked");
    }
    let fired = load.fired.load(Ordering::Relaxed);
    let api_calls = load.api_calls.load(Ordering::Relaxed);
    let failed = load.failed.load(Ordering::Relaxed);

    // What the journals say: every delivery counted, the newest `capacity` kept.
    let deliveries_page =
        get_json(&runtime, &base, "/_emulator/deliveries?limit=0").unwrap_or_default();
    let requests_page =
        get_json(&runtime, &base, "/_emulator/requests?limit=0").unwrap_or_default();
    let end_memory = memory(pid);
    // Let the allocator settle, then once more: does memory come back when idle? (A longer
    // --idle-seconds leaves time to attach gdb or heaptrack to the emulator.)
    if options.idle_seconds > 2 {
        eprintln!(
            "bench_memory: load done; the emulator (pid {pid}) idles for {} s",
            options.idle_seconds
        );
    }
    std::thread::sleep(Duration::from_secs(options.idle_seconds));
    let idle_memory = memory(pid);
    let threads_now = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:").map(|t| t.trim().to_string()))
        })
        .unwrap_or_default();
    drop(emulator);

    println!(
        "bench_memory: {} deliveries through POST /_emulator/fire + {} settings-API calls, {} keep-alive connections, {} CPUs, loopback{}",
        thousands(options.deliveries),
        thousands(api_calls),
        options.concurrency,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if options.quick {
            " (--quick smoke: the figures are rough)".to_string()
        } else if options.reply_padding > 0 {
            format!(
                "; replies padded by {} bytes",
                thousands(options.reply_padding)
            )
        } else {
            String::new()
        }
    );
    println!(
        "journal capacities: deliveries {delivery_capacity}, API calls {journal_capacity}; emulator pid {pid}, {threads_now} threads"
    );
    println!();
    println!("RSS samples (VmRSS and RssAnon of the emulator, /proc/PID/status):");
    println!(
        "{:>10} {:>10} {:>8} {:>10} {:>10}",
        "deliveries", "API calls", "seconds", "RSS MiB", "anon MiB"
    );
    for (i, s) in samples.iter().enumerate() {
        let mark = if Some(i) == warm_index {
            "  <- warm-up done (journals full and turned over once)"
        } else {
            ""
        };
        println!(
            "{:>10} {:>10} {:>8.1} {:>10.1} {:>10.1}{mark}",
            s.deliveries,
            s.api_calls,
            s.seconds,
            mib(s.memory.rss),
            mib(s.memory.anon)
        );
    }
    println!();

    let warm = warm_index.map(|i| &samples[i]);
    let end = samples.last().expect("samples");
    let growth = warm.map(|w| end.memory.rss as i64 - w.memory.rss as i64);
    let growth_pct = warm.map(|w| 100.0 * (end.memory.rss as f64 / w.memory.rss as f64 - 1.0));
    let slope_b = warm_index.map(|i| slope(&samples[i..]));
    // The second half after warm-up: a leak grows as steadily there as anywhere; the
    // allocator's settling (free lists and arenas finding their size) is mostly over by then.
    let late = warm_index.map(|i| {
        let middle = (samples[i].deliveries + end.deliveries) / 2;
        let from = samples[i..]
            .iter()
            .find(|s| s.deliveries >= middle)
            .unwrap_or(end);
        let bytes = end.memory.rss as i64 - from.memory.rss as i64;
        let per_delivery = bytes as f64 / (end.deliveries - from.deliveries).max(1) as f64;
        (from.deliveries, bytes, per_delivery)
    });
    let rate = fired as f64 / wall;
    let flat = match (warm, growth) {
        (Some(w), Some(g)) => Some((g as f64) <= (MIB).max(0.05 * w.memory.rss as f64)),
        _ => None,
    };

    println!("| figure | value |");
    println!("|---|---|");
    println!(
        "| RSS after start (idle) | {:.1} MiB |",
        mib(started_memory.rss)
    );
    if let Some(w) = warm {
        println!(
            "| RSS after warm-up ({} deliveries, {} API calls: both journals full and turned over once) | {:.1} MiB |",
            thousands(w.deliveries),
            thousands(w.api_calls),
            mib(w.memory.rss)
        );
    }
    println!(
        "| RSS at the end ({} deliveries) | {:.1} MiB (anon {:.1} MiB; peak {:.1} MiB) |",
        thousands(end.deliveries),
        mib(end.memory.rss),
        mib(end.memory.anon),
        mib(end_memory.hwm.max(end.memory.hwm))
    );
    println!(
        "| RSS {} s after the load | {:.1} MiB |",
        options.idle_seconds,
        mib(idle_memory.rss)
    );
    if let (Some(g), Some(p), Some(s)) = (growth, growth_pct, slope_b) {
        println!(
            "| growth from warm-up to the end | {:+.2} MiB ({p:+.1} %) |",
            g as f64 / MIB
        );
        println!(
            "| slope after warm-up (least squares) | {s:+.1} bytes per delivery ({:+.1} MiB per million) |",
            s * 1e6 / MIB
        );
    }
    if let Some((from, bytes, per_delivery)) = late {
        println!(
            "| growth over the second half after warm-up ({} → {} deliveries) | {:+.2} MiB ({per_delivery:+.1} bytes per delivery) |",
            thousands(from),
            thousands(end.deliveries),
            bytes as f64 / MIB
        );
    }
    println!(
        "| deliveries per second (with {} API calls each) | {rate:.0} |",
        options.api_per_fire
    );
    println!(
        "| journals at the end | deliveries total {} (capacity {}), API calls total {} (capacity {}) |",
        deliveries_page["total"], deliveries_page["capacity"],
        requests_page["total"], requests_page["capacity"]
    );
    println!("| failed calls | {failed} |");
    println!();
    let verdict = match (flat, growth, growth_pct) {
        (Some(true), Some(g), Some(p)) => format!(
            "flat: {:+.1} MiB ({p:+.1} %) from warm-up to {} deliveries",
            g as f64 / MIB,
            thousands(end.deliveries)
        ),
        (Some(false), Some(g), Some(p)) => format!(
            "GROWING: {:+.1} MiB ({p:+.1} %) from warm-up to {} deliveries (flat means at most 1 MiB or 5 %)",
            g as f64 / MIB,
            thousands(end.deliveries)
        ),
        _ => "no verdict: the run ended before the journals were full (more --deliveries, or more --api-per-fire)".to_string(),
    };
    println!("{verdict}");

    let failures = load.failures.lock().unwrap();
    if failed > 0 {
        println!();
        println!("FAILED: {failed} calls failed; the first ones:");
        for failure in failures.iter() {
            println!("  {failure}");
        }
        println!("(the emulator's log, at warn level:)\n{}", tail(&log));
    }
    let delivered_total = deliveries_page["total"].as_u64().unwrap_or(0);
    let journal_mismatch = delivered_total != fired;
    if journal_mismatch {
        println!(
            "FAILED: the delivery journal counts {delivered_total} deliveries, the benchmark fired {fired}"
        );
    }

    println!();
    let result = |key: &str, value: String| println!("RESULT memory.{key} {value}");
    result("deliveries", fired.to_string());
    result("api_calls", api_calls.to_string());
    result("failed", failed.to_string());
    result("rss_start_mib", format!("{:.2}", mib(started_memory.rss)));
    if let Some(w) = warm {
        result("warmup_deliveries", w.deliveries.to_string());
        result("rss_warmup_mib", format!("{:.2}", mib(w.memory.rss)));
    }
    result("rss_end_mib", format!("{:.2}", mib(end.memory.rss)));
    result("rss_peak_mib", format!("{:.2}", mib(end_memory.hwm)));
    result("rss_idle_after_mib", format!("{:.2}", mib(idle_memory.rss)));
    if let (Some(g), Some(p), Some(s)) = (growth, growth_pct, slope_b) {
        result("growth_mib", format!("{:.2}", g as f64 / MIB));
        result("growth_pct", format!("{p:.2}"));
        result("slope_bytes_per_delivery", format!("{s:.2}"));
    }
    if let Some((_, bytes, per_delivery)) = late {
        result("late_growth_mib", format!("{:.2}", bytes as f64 / MIB));
        result("late_bytes_per_delivery", format!("{per_delivery:.2}"));
    }
    result("deliveries_per_s", format!("{rate:.0}"));
    result("delivery_capacity", delivery_capacity.to_string());
    result("journal_capacity", journal_capacity.to_string());
    result(
        "flat",
        match flat {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        }
        .to_string(),
    );

    if options.keep {
        eprintln!("bench_memory: kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(if failed > 0 || journal_mismatch { 1 } else { 0 })
}
