//! The worst case of memory: hostile replies fired again and again, then the journals listed and
//! emptied. (`cargo build --release --bins --examples && target/release/examples/bench_hostile
//! [--fires N] [--concurrency N] [--journal-bytes SIZE] [--quick] [--bin PATH]`)
//!
//! The real binary runs as a child process (`serve --port 0`, default journal budget unless
//! `--journal-bytes` is given). A receiver (this binary with `receiver`, a child process too)
//! answers each delivery with one of three replies, in turn:
//!
//! - `bad-entries`: 11,110 entries each breaking five rules (not E.164, the old field name, a
//!   name over 24 characters, an unknown field, a duplicate): 55,550 findings before the cap;
//! - `valid-10k`: 10,000 valid, distinct numbers (a 10,000-row picker before the cap);
//! - `over-cap`: a body past the 1 MiB read cap.
//!
//! `--concurrency` callers (8) fire `--fires` deliveries (600; `--quick`: 60) through
//! `POST /_emulator/fire` while a sampler reads the emulator's VmRSS every 20 ms. Then it lists
//! the delivery journal (`GET /_emulator/deliveries`, the default page), pages through all of it
//! (`?after=0` following `next`), empties it (`DELETE`) and reads RSS once more. It prints the
//! peak RSS (VmHWM) against the target of 128 MiB, the largest verdict, the listing's size, the
//! journals' bytes as the emulator counts them, and `RESULT key value` lines for
//! benches/report.sh. A figure, never an assertion; exit 1 when a call failed (a fire that did
//! not answer 200), 2 on bad usage. Loopback only.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "support/emulator.rs"]
mod emulator;
// One bench reads only some of the memory figures.
#[allow(dead_code)]
#[path = "support/process.rs"]
mod process;

use process::{memory, Reaped};

const TARGET_MIB: f64 = 128.0;
const MIB: f64 = 1024.0 * 1024.0;
const KINDS: [&str; 3] = ["bad-entries", "valid-10k", "over-cap"];

struct Options {
    fires: u64,
    concurrency: usize,
    journal_bytes: Option<String>,
    bin: PathBuf,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .map(|i| args.get(i + 1).cloned().unwrap_or_else(|| usage(name)))
    };
    for (i, arg) in args.iter().enumerate() {
        let takes_value = ["--fires", "--concurrency", "--journal-bytes", "--bin"];
        let is_value = i > 0 && takes_value.contains(&args[i - 1].as_str());
        if !is_value && arg != "--quick" && !takes_value.contains(&arg.as_str()) {
            usage(arg);
        }
    }
    let quick = args.iter().any(|a| a == "--quick");
    let number = |name: &str, default: u64| {
        value(name).map_or(default, |v| v.parse().unwrap_or_else(|_| usage(name)))
    };
    Options {
        fires: number("--fires", if quick { 60 } else { 600 }).max(3),
        concurrency: number("--concurrency", 8).clamp(1, 64) as usize,
        journal_bytes: value("--journal-bytes"),
        bin: emulator::binary(
            value("--bin").or_else(|| std::env::var("EMULATOR_BIN").ok()),
            "bench_hostile",
        ),
    }
}

fn usage(what: &str) -> ! {
    eprintln!("bench_hostile: bad argument {what:?} (see the doc comment of benches/hostile.rs)");
    std::process::exit(2);
}

/// The three replies, built once.
fn replies() -> Vec<(&'static str, String)> {
    let bad = r#"{"e164PhoneNumber":"1","e164Number":1,"friendlyName":"abcdefghijklmnopqrstuvwxy","x":1}"#;
    let bad_entries = format!(r#"{{"phoneNumbers":[{}]}}"#, vec![bad; 11_110].join(","));
    let valid: Vec<String> = (0..10_000)
        .map(|n| format!(r#"{{"e164PhoneNumber":"+1415555{n:04}","friendlyName":"Line {n:04}"}}"#))
        .collect();
    let valid_10k = format!(r#"{{"phoneNumbers":[{}]}}"#, valid.join(","));
    let over_cap = format!(
        r#"{{"phoneNumbers":[],"padding":"{}"}}"#,
        "x".repeat(1_200_000)
    );
    vec![
        ("bad-entries", bad_entries),
        ("valid-10k", valid_10k),
        ("over-cap", over_cap),
    ]
}

/// The receiver: one actix worker serving `/{kind}` with that reply.
fn serve_receiver() {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let replies: &'static Vec<(&'static str, String)> = Box::leak(Box::new(replies()));
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            let mut app = App::new();
            for (kind, body) in replies.iter() {
                let body: &'static str = body.as_str();
                app = app.route(
                    &format!("/{kind}"),
                    web::post().to(move || async move {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(body)
                    }),
                );
            }
            app
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("a free loopback port");
        println!("http://{}", server.addrs()[0]);
        server.run().await.expect("the receiver runs");
    });
}

fn first_line(child: &mut Child) -> String {
    use std::io::{BufRead, BufReader};
    let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("a first line");
    // The rest (the banner carries credentials) is read and dropped, never printed.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    line
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / MIB
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("receiver") {
        return serve_receiver();
    }
    let options = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    std::process::exit(runtime.block_on(run(options)));
}

async fn run(options: Options) -> i32 {
    let mut receiver = Command::new(std::env::current_exe().expect("own path"))
        .arg("receiver")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the receiver starts");
    let receiver_url = first_line(&mut receiver).trim().to_string();
    let _receiver = Reaped(receiver);

    let dir = std::env::temp_dir().join(format!("hse-bench-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a work directory");
    let apps: Vec<Value> = KINDS
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            json!({"name": kind, "appId": 1000 + i, "authRequired": false, "clientSecret": "bench-secret",
                   "channelConnection": {"url": format!("{receiver_url}/{kind}"), "isReady": true}})
        })
        .collect();
    let fixture = dir.join("fixture.json");
    std::fs::write(
        &fixture,
        json!({"apps": apps, "portals": [{"portalId": 1, "users": [{"userId": 1}]}]}).to_string(),
    )
    .expect("the fixture");
    let mut command = Command::new(&options.bin);
    command
        .args(["serve", "--port", "0", "--fixture"])
        .arg(&fixture)
        .env("HUBSPOT_EMULATOR_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(bytes) = &options.journal_bytes {
        command.args(["--journal-bytes", bytes]);
    }
    let mut emulator = command.spawn().expect("the emulator starts");
    let line = first_line(&mut emulator);
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .expect("the emulator's URL on its first line")
        .to_string();
    let pid = emulator.id();
    let _emulator = Reaped(emulator);
    let http = reqwest::Client::new();
    let idle_rss = memory(pid).rss;

    // The sampler: the highest RSS seen while the load runs.
    let peak_seen = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak_seen, sampling) = (peak_seen.clone(), sampling.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                peak_seen.fetch_max(memory(pid).rss, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };

    let next = Arc::new(AtomicU64::new(0));
    let largest = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let callers: Vec<_> = (0..options.concurrency)
        .map(|_| {
            let (http, base, next, largest, failed) = (
                http.clone(),
                base.clone(),
                next.clone(),
                largest.clone(),
                failed.clone(),
            );
            let fires = options.fires;
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= fires {
                        return;
                    }
                    let fire = json!({"appId": 1000 + n % 3, "portalId": 1, "userId": 1});
                    let answer = http
                        .post(format!("{base}/_emulator/fire"))
                        .json(&fire)
                        .send()
                        .await;
                    match answer {
                        Ok(response) if response.status() == 200 => {
                            let bytes = response.bytes().await.map_or(0, |b| b.len());
                            largest.fetch_max(bytes as u64, Ordering::Relaxed);
                        }
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for caller in callers {
        caller.await.expect("a caller");
    }
    let fire_seconds = started.elapsed().as_secs_f64();
    let after_fires = memory(pid).rss;
    let health: Value = http
        .get(format!("{base}/_emulator/health"))
        .send()
        .await
        .expect("health")
        .json()
        .await
        .expect("health JSON");

    let listing = http
        .get(format!("{base}/_emulator/deliveries"))
        .send()
        .await
        .expect("the listing")
        .bytes()
        .await
        .expect("the listing's body");
    let kept_in_page = serde_json::from_slice::<Value>(&listing)
        .ok()
        .and_then(|v| v["entries"].as_array().map(Vec::len))
        .unwrap_or(0);
    let (mut paged, mut pages, mut after) = (0usize, 0usize, 0u64);
    loop {
        let page: Value = http
            .get(format!(
                "{base}/_emulator/deliveries?after={after}&limit=50"
            ))
            .send()
            .await
            .expect("a page")
            .json()
            .await
            .expect("a JSON page");
        pages += 1;
        paged += page["entries"].as_array().map_or(0, Vec::len);
        match page["next"].as_u64() {
            Some(next) => after = next,
            None => break,
        }
    }
    let after_listing = memory(pid).rss;
    let cleared = http
        .delete(format!("{base}/_emulator/deliveries"))
        .header("content-type", "application/json")
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let process::Memory {
        rss: after_clear,
        hwm,
        ..
    } = memory(pid);
    sampling.store(false, Ordering::Relaxed);
    sampler.join().expect("the sampler");
    let failed = failed.load(Ordering::Relaxed) + u64::from(cleared != 204);

    let peak = hwm.max(peak_seen.load(Ordering::Relaxed));
    let met = mib(peak) <= TARGET_MIB;
    println!(
        "bench_hostile: {} fires of hostile replies ({}) through POST /_emulator/fire, {} callers, {:.1} s; loopback",
        options.fires,
        KINDS.join(", "),
        options.concurrency,
        fire_seconds
    );
    println!("| metric | value | target |");
    println!("|---|---|---|");
    println!("| RSS idle | {:.1} MiB | |", mib(idle_rss));
    println!(
        "| peak RSS (VmHWM) | {:.1} MiB | ≤ {TARGET_MIB:.0} MiB: {} |",
        mib(peak),
        if met { "met" } else { "MISSED" }
    );
    println!("| RSS after the fires | {:.1} MiB | |", mib(after_fires));
    println!(
        "| journals' bytes (health) | {:.1} MiB of {:.1} MiB | |",
        health["journalBytes"].as_u64().map_or(0.0, mib),
        health["journalBudgetBytes"].as_u64().map_or(0.0, mib)
    );
    println!(
        "| largest verdict | {:.1} KiB | |",
        largest.load(Ordering::Relaxed) as f64 / 1024.0
    );
    println!(
        "| GET /_emulator/deliveries | {:.1} MiB, {kept_in_page} verdicts | ≤ 4 MiB a page |",
        listing.len() as f64 / MIB
    );
    println!("| paged with after/next | {paged} verdicts in {pages} pages | |");
    println!("| RSS after listing | {:.1} MiB | |", mib(after_listing));
    println!("| RSS after DELETE | {:.1} MiB | |", mib(after_clear));
    println!();
    println!("RESULT hostile.fires {}", options.fires);
    println!("RESULT hostile.peak_rss_mib {:.1}", mib(peak));
    println!("RESULT hostile.after_clear_mib {:.1}", mib(after_clear));
    println!(
        "RESULT hostile.largest_verdict_kib {:.1}",
        largest.load(Ordering::Relaxed) as f64 / 1024.0
    );
    println!(
        "RESULT hostile.listing_mib {:.2}",
        listing.len() as f64 / MIB
    );
    println!("RESULT hostile.failed {failed}");
    let _ = std::fs::remove_dir_all(&dir);
    if failed > 0 {
        eprintln!("bench_hostile: {failed} calls failed");
        1
    } else {
        0
    }
}
