//! Sandboxes: what one costs to create, and does the emulator give its memory back when they are
//! deleted? (`cargo build --release --bins --examples && target/release/examples/bench_sandboxes
//! [--cycles N] [--quick] [--concurrency N] [--warmup N] [--hold N] [--bin PATH]`)
//!
//! The real binary runs as a child process, `hubspot-emulator serve --port 0` on its embedded
//! fixture. `--concurrency` workers (4, like the workers of a parallel test run), each on its own
//! keep-alive connection, repeat a test's life cycle N times in all (1,000; `--quick`: 100):
//! create a sandbox (`POST /_emulator/sandboxes`, timed), register the demo app's channel
//! connection in it, read it back through the sandbox's base URL, read the sandbox's request
//! journal, and delete it. It reads the emulator's VmRSS from /proc/PID/status after start, after
//! `--warmup` cycles (20: the first sandbox loads what every later one shares, such as the CRM's
//! property catalogs and libphonenumber's metadata), and at the end, with every sandbox deleted.
//!
//! Then what memory holds: `--hold` sandboxes (50; `--quick`: 20; at most `serve --max-sandboxes`, 64) created and kept, each with
//! its channel connection (RSS before and after, per sandbox), and 10,000 contacts (`--quick`:
//! 2,000, scaled) created in the emulator's own CRM through `POST /crm/v3/objects/contacts/batch/create` (100 a batch, the
//! demo app's token; RSS before and after: the memory of 10,000 CRM objects).
//!
//! It prints the create latency (median, p90, p99, max), the cycles per second, RSS at each point
//! and the growth from warm-up to the end (target: within 2 MiB), then `RESULT key value` lines
//! for benches/report.sh. RSS is a figure, never an assertion; but the run exits 1 when any call
//! failed or a sandbox saw state that was not its own (a benchmark of failures is worthless).
//! Exit 2: bad usage or the emulator could not be started. Only loopback (127.0.0.1).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, Method};
use serde_json::{json, Value};

#[path = "support/emulator.rs"]
mod emulator;
#[path = "support/process.rs"]
mod process;

use process::{memory, Reaped};

const MIB: f64 = 1024.0 * 1024.0;
const CONNECTION: &str =
    "/crm/v3/extensions/calling/1234567/settings/channel-connection?hapikey=demo-developer-api-key";

struct Options {
    cycles: usize,
    concurrency: usize,
    warmup: usize,
    hold: usize,
    crm_objects: usize,
    bin: std::path::PathBuf,
}

fn usage_error(message: &str) -> ! {
    eprintln!("bench_sandboxes: {message} (see the doc comment of benches/sandboxes.rs)");
    std::process::exit(2);
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut quick = false;
    let (mut cycles, mut concurrency, mut warmup, mut hold, mut bin) = (None, 4, 20, None, None);
    let mut i = 0;
    while i < args.len() {
        let value = || {
            args.get(i + 1)
                .cloned()
                .unwrap_or_else(|| usage_error(&format!("{} needs a value", args[i])))
        };
        let number = || {
            value()
                .replace([',', '_'], "")
                .parse::<usize>()
                .unwrap_or_else(|_| usage_error(&format!("{} takes a number", args[i])))
        };
        match args[i].as_str() {
            "--quick" => {
                quick = true;
                i += 1;
                continue;
            }
            "--cycles" => cycles = Some(number()),
            "--concurrency" => concurrency = number().clamp(1, 64),
            "--warmup" => warmup = number(),
            "--hold" => hold = Some(number().max(1)),
            "--bin" => bin = Some(value()),
            other => usage_error(&format!("unknown argument {other:?}")),
        }
        i += 2;
    }
    let cycles = cycles.unwrap_or(if quick { 100 } else { 1_000 });
    if cycles <= warmup {
        usage_error("--cycles must be more than --warmup");
    }
    Options {
        cycles,
        concurrency,
        warmup,
        // Below the emulator's default --max-sandboxes (64).
        hold: hold.unwrap_or(if quick { 20 } else { 50 }),
        // The default portal's limit per type; --quick: a fifth, scaled.
        crm_objects: if quick { 2_000 } else { 10_000 },
        bin: emulator::binary(
            bin.or_else(|| std::env::var("EMULATOR_BIN").ok()),
            "bench_sandboxes",
        ),
    }
}

fn start(options: &Options) -> (Reaped, String) {
    let mut child = Command::new(&options.bin)
        .args(["serve", "--host", "127.0.0.1", "--port", "0"])
        .env("HUBSPOT_EMULATOR_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            eprintln!("cannot start {}: {e}", options.bin.display());
            std::process::exit(2)
        });
    let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut first = String::new();
    let _ = reader.read_line(&mut first);
    // The rest of the banner: read and dropped, never printed.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let base = first
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .map(str::to_string)
        .unwrap_or_else(|| {
            eprintln!("the emulator printed no base URL: {first:?}");
            std::process::exit(2)
        });
    (Reaped(child), base)
}

/// One call; its status and JSON body (Null when empty).
async fn call(
    client: &Client,
    method: Method,
    url: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let mut request = client
        .request(method, url)
        .header("content-type", "application/json");
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(|e| format!("{url}: {e}"))?;
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).map_err(|e| format!("{url}: not JSON ({e}): {text}"))?
    };
    Ok((status, body))
}

fn expect(what: &str, got: (u16, Value), status: u16) -> Result<Value, String> {
    if got.0 == status {
        Ok(got.1)
    } else {
        Err(format!("{what}: {} {}", got.0, got.1))
    }
}

/// One test's life cycle; the create latency.
async fn cycle(client: &Client, base: &str, n: usize) -> Result<Duration, String> {
    let sandboxes = format!("{base}/_emulator/sandboxes");
    let started = Instant::now();
    let created = expect(
        "create",
        call(client, Method::POST, &sandboxes, None).await?,
        201,
    )?;
    let took = started.elapsed();
    let (id, at) = (
        created["id"].as_str().unwrap_or_default(),
        created["baseUrl"].as_str().unwrap_or_default(),
    );
    let url = format!("http://127.0.0.1:9/{n}");
    let register = json!({"url": url, "isReady": true});
    let connection = format!("{at}{CONNECTION}");
    expect(
        "register",
        call(client, Method::POST, &connection, Some(&register)).await?,
        200,
    )?;
    let read = expect(
        "read",
        call(client, Method::GET, &connection, None).await?,
        200,
    )?;
    if read["url"] != url.as_str() {
        return Err(format!(
            "sandbox {id} read {} instead of {url}",
            read["url"]
        ));
    }
    let journal = expect(
        "journal",
        call(
            client,
            Method::GET,
            &format!("{at}/_emulator/requests"),
            None,
        )
        .await?,
        200,
    )?;
    if journal["total"] != 2 {
        return Err(format!("sandbox {id}'s journal: {}", journal["total"]));
    }
    expect(
        "delete",
        call(client, Method::DELETE, &format!("{sandboxes}/{id}"), None).await?,
        200,
    )?;
    Ok(took)
}

/// Runs `count` cycles on `concurrency` workers; every create latency.
async fn run(base: &str, count: usize, concurrency: usize) -> Result<Vec<Duration>, String> {
    let workers = (0..concurrency).map(|w| {
        let base = base.to_string();
        tokio::spawn(async move {
            let client = Client::builder().no_proxy().build().expect("a client");
            let mut took = Vec::new();
            for n in (w..count).step_by(concurrency) {
                took.push(cycle(&client, &base, n).await?);
            }
            Ok::<_, String>(took)
        })
    });
    let mut all = Vec::new();
    for worker in futures_util::future::join_all(workers).await {
        all.extend(worker.map_err(|e| e.to_string())??);
    }
    Ok(all)
}

/// Creates `count` sandboxes, each with its channel connection, and keeps them; their ids.
async fn hold(base: &str, count: usize) -> Result<Vec<String>, String> {
    let client = Client::builder().no_proxy().build().expect("a client");
    let mut ids = Vec::new();
    for n in 0..count {
        let created = expect(
            "create",
            call(
                &client,
                Method::POST,
                &format!("{base}/_emulator/sandboxes"),
                None,
            )
            .await?,
            201,
        )?;
        let at = created["baseUrl"].as_str().unwrap_or_default();
        let register = json!({"url": format!("http://127.0.0.1:9/{n}"), "isReady": true});
        expect(
            "register",
            call(
                &client,
                Method::POST,
                &format!("{at}{CONNECTION}"),
                Some(&register),
            )
            .await?,
            200,
        )?;
        ids.push(created["id"].as_str().unwrap_or_default().to_string());
    }
    Ok(ids)
}

/// Deletes the sandboxes `ids`.
async fn release(base: &str, ids: &[String]) -> Result<(), String> {
    let client = Client::builder().no_proxy().build().expect("a client");
    for id in ids {
        let url = format!("{base}/_emulator/sandboxes/{id}");
        expect(
            "delete",
            call(&client, Method::DELETE, &url, None).await?,
            200,
        )?;
    }
    Ok(())
}

/// Creates `count` contacts (a multiple of 100) in the emulator's own CRM, 100 a batch.
async fn fill_crm(base: &str, count: usize) -> Result<(), String> {
    let client = Client::builder().no_proxy().build().expect("a client");
    let url = format!("{base}/crm/v3/objects/contacts/batch/create");
    for batch in 0..count / 100 {
        let inputs: Vec<Value> = (0..100)
            .map(|i| {
                let n = batch * 100 + i;
                json!({"properties": {"firstname": format!("Bench{n}"), "lastname": "Contact",
                    "email": format!("bench{n}@example.com"), "phone": format!("+1415555{n:04}")}})
            })
            .collect();
        let response = client
            .post(&url)
            .bearer_auth("demo-access-token")
            .json(&json!({ "inputs": inputs }))
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let status = response.status().as_u16();
        if status != 201 {
            let text = response.text().await.unwrap_or_default();
            return Err(format!("batch create: {status} {text}"));
        }
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let options = options();
    let (emulator, base) = start(&options);
    let pid = emulator.0.id();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let deadline = Instant::now() + Duration::from_secs(15);
    while runtime
        .block_on(reqwest::get(format!("{base}/_emulator/health")))
        .is_err()
    {
        if Instant::now() > deadline {
            eprintln!("/_emulator/health never answered");
            std::process::exit(2);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let rss_start = memory(pid).rss as f64 / MIB;
    let fail = |e: String| -> ! {
        eprintln!("bench_sandboxes: FAILED: {e}");
        std::process::exit(1)
    };
    let warm = runtime
        .block_on(run(&base, options.warmup, options.concurrency))
        .unwrap_or_else(|e| fail(e));
    std::thread::sleep(Duration::from_millis(200));
    let rss_warm = memory(pid).rss as f64 / MIB;
    let started = Instant::now();
    let measured = runtime
        .block_on(run(
            &base,
            options.cycles - options.warmup,
            options.concurrency,
        ))
        .unwrap_or_else(|e| fail(e));
    let seconds = started.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_millis(200));
    let end = memory(pid);
    let (rss_end, anon_end, peak) = (
        end.rss as f64 / MIB,
        end.anon as f64 / MIB,
        end.hwm as f64 / MIB,
    );
    let (_, listed) = runtime
        .block_on(call(
            &Client::new(),
            Method::GET,
            &format!("{base}/_emulator/sandboxes"),
            None,
        ))
        .unwrap_or_else(|e| fail(e));
    let left = listed["sandboxes"].as_array().map_or(usize::MAX, Vec::len);
    if left != 0 {
        fail(format!("{left} sandboxes left after the run"));
    }

    // What memory holds: sandboxes kept, then CRM objects. Before each reading the request
    // journal is emptied, which also has the allocator hand back what it freed
    // (malloc_trim): RSS then shows what is held, not what the requests left behind.
    let settle = || {
        let journal = format!("{base}/_emulator/requests");
        runtime
            .block_on(call(&Client::new(), Method::DELETE, &journal, None))
            .unwrap_or_else(|e| fail(e));
        std::thread::sleep(Duration::from_millis(300));
    };
    settle();
    let rss_before_hold = memory(pid).rss as f64 / MIB;
    let held = runtime
        .block_on(hold(&base, options.hold))
        .unwrap_or_else(|e| fail(e));
    settle();
    let rss_held = memory(pid).rss as f64 / MIB;
    let per_sandbox_kib = (rss_held - rss_before_hold) * 1024.0 / options.hold as f64;
    runtime
        .block_on(release(&base, &held))
        .unwrap_or_else(|e| fail(e));
    settle();
    let rss_before_crm = memory(pid).rss as f64 / MIB;
    runtime
        .block_on(fill_crm(&base, options.crm_objects))
        .unwrap_or_else(|e| fail(e));
    settle();
    let rss_crm = memory(pid).rss as f64 / MIB;
    let per_10k_crm_mib = (rss_crm - rss_before_crm) * 10_000.0 / options.crm_objects as f64;

    let mut took: Vec<Duration> = warm.into_iter().chain(measured.iter().copied()).collect();
    took.sort();
    let per_s = measured.len() as f64 / seconds;
    let growth = rss_end - rss_warm;
    println!(
        "{} sandboxes created, used and deleted by {} workers ({} of them warm-up)",
        options.cycles, options.concurrency, options.warmup
    );
    println!(
        "create (POST /_emulator/sandboxes): median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&took, 0.5),
        percentile(&took, 0.9),
        percentile(&took, 0.99),
        percentile(&took, 1.0)
    );
    println!("{per_s:.0} life cycles/s (create, write, read, journal, delete)");
    println!(
        "RSS: {rss_start:.1} MiB after start, {rss_warm:.1} MiB after warm-up, {rss_end:.1} MiB after all were deleted: {growth:+.2} MiB ({})",
        if growth.abs() <= 2.0 { "within 2 MiB" } else { "MORE THAN 2 MiB" }
    );
    println!("peak RSS {peak:.1} MiB; anonymous memory at the end {anon_end:.1} MiB");
    println!(
        "{} sandboxes kept, each with its channel connection: RSS {rss_before_hold:.1} -> {rss_held:.1} MiB, {per_sandbox_kib:.0} KiB per sandbox",
        options.hold
    );
    println!(
        "{} contacts created (batch/create): RSS {rss_before_crm:.1} -> {rss_crm:.1} MiB, {per_10k_crm_mib:.2} MiB per 10,000 CRM objects",
        options.crm_objects
    );
    println!("RESULT sandboxes.cycles {}", options.cycles);
    println!(
        "RESULT sandboxes.create_median_ms {:.3}",
        percentile(&took, 0.5)
    );
    println!(
        "RESULT sandboxes.create_p99_ms {:.3}",
        percentile(&took, 0.99)
    );
    println!("RESULT sandboxes.cycles_per_s {per_s:.1}");
    println!("RESULT sandboxes.rss_start_mib {rss_start:.2}");
    println!("RESULT sandboxes.rss_warm_mib {rss_warm:.2}");
    println!("RESULT sandboxes.rss_end_mib {rss_end:.2}");
    println!("RESULT sandboxes.growth_mib {growth:.3}");
    println!("RESULT sandboxes.peak_rss_mib {peak:.2}");
    println!("RESULT sandboxes.held {}", options.hold);
    println!("RESULT sandboxes.per_sandbox_kib {per_sandbox_kib:.1}");
    println!("RESULT sandboxes.per_10k_crm_mib {per_10k_crm_mib:.2}");
    drop(emulator);
}
