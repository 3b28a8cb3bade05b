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

/// Serves until killed.
pub fn serve() {
    actix_web::rt::System::new().block_on(async {
        let server = HttpServer::new(|| {
            App::new().route(
                "/hubspot/phone-numbers",
                web::post().to(|| async {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(REPLY)
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
