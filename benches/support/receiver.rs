//! The fast local receiver the webhook and scenario benchmarks fire at: one actix worker
//! answering a fixed, valid phone-number list. A benchmark re-executes itself with the argument
//! `receiver` to run it in a child process, which prints its base URL as its first line.

use actix_web::{web, App, HttpResponse, HttpServer};

/// The reply: two valid, dialable numbers with short names (no findings).
pub const REPLY: &str = r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Support line"},{"e164PhoneNumber":"+442071838750","friendlyName":"London office"}]}"#;

/// Starts the receiver as a child process of the current executable (which must call
/// `serve()` when given the argument `receiver`); returns it and its phone-number URL.
pub fn spawn() -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(std::env::current_exe().expect("own path"))
        .arg("receiver")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("receiver starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .expect("the receiver prints its URL");
    (child, format!("{}/hubspot/phone-numbers", line.trim()))
}

/// Serves until killed. With `BENCH_REPLY_PADDING=N` in the environment the reply carries an
/// extra `"padding"` field of N bytes (an `unknown-field` warning: the delivery still passes),
/// for the memory benchmark's worst case of large replies.
pub fn serve() {
    let padding: usize = std::env::var("BENCH_REPLY_PADDING")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let reply: &'static str = if padding == 0 {
        REPLY
    } else {
        let padded = format!(
            r#"{},"padding":"{}"}}"#,
            REPLY.strip_suffix('}').expect("REPLY is an object"),
            "x".repeat(padding)
        );
        Box::leak(padded.into_boxed_str())
    };
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new().route(
                "/hubspot/phone-numbers",
                web::post().to(move || async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(reply)
                }),
            )
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("a free loopback port");
        println!("http://{}", server.addrs()[0]);
        server.run().await.expect("the receiver runs");
    });
}
