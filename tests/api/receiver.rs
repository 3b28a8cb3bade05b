//! A scriptable webhook receiver on a random loopback port: records every request (headers and
//! raw body) and answers as told — including the hostile ways (hang, trickle, reset, endless
//! body, garbage) that real apps misbehave in, or as a function of the request decides (a
//! verifying receiver). The reply can change mid-test.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Debug)]
pub enum Behaviour {
    /// A complete HTTP response.
    Reply {
        status: u16,
        content_type: Option<&'static str>,
        body: Vec<u8>,
        extra_headers: Vec<(&'static str, String)>,
    },
    /// The same, after a pause.
    Delayed(Duration, Box<Behaviour>),
    /// Read the request and never answer.
    Hang,
    /// Send headers announcing a body, part of it, then reset the connection.
    ResetMidReply,
    /// Send headers, then one body byte every `interval`, forever.
    Trickle(Duration),
    /// A chunked body that never ends.
    Endless,
    /// These bytes, then close.
    Raw(Vec<u8>),
    /// A 200 JSON reply that says nothing of the connection (so HTTP/1.1 keep-alive applies),
    /// then close it anyway: what many small servers do.
    CloseWithoutSaying(Vec<u8>),
    /// Whatever the function decides from the request (a receiver that verifies signatures).
    Decide(Decider),
}

/// Picks the behaviour for each request.
#[derive(Clone)]
pub struct Decider(pub Arc<dyn Fn(&Recorded) -> Behaviour + Send + Sync>);

impl std::fmt::Debug for Decider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Decider")
    }
}

impl Behaviour {
    pub fn json(body: &str) -> Self {
        Behaviour::Reply {
            status: 200,
            content_type: Some("application/json"),
            body: body.as_bytes().to_vec(),
            extra_headers: Vec::new(),
        }
    }

    pub fn status(status: u16, content_type: Option<&'static str>, body: &[u8]) -> Self {
        Behaviour::Reply {
            status,
            content_type,
            body: body.to_vec(),
            extra_headers: Vec::new(),
        }
    }
}

pub struct Receiver {
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

impl Receiver {
    pub async fn start(behaviour: Behaviour) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/hubspot/phone-numbers",
            listener.local_addr().unwrap()
        );
        let requests = Arc::new(Mutex::new(Vec::new()));
        let behaviour = Arc::new(Mutex::new(behaviour));
        let (recorded, scripted) = (requests.clone(), behaviour.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (recorded, scripted) = (recorded.clone(), scripted.clone());
                tokio::spawn(async move { serve(stream, recorded, scripted).await });
            }
        });
        Receiver {
            url,
            requests,
            behaviour,
        }
    }

    pub fn set(&self, behaviour: Behaviour) {
        *self.behaviour.lock() = behaviour;
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    scripted: Arc<Mutex<Behaviour>>,
) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let behaviour = match scripted.lock().clone() {
        Behaviour::Decide(decider) => (decider.0)(&request),
        fixed => fixed,
    };
    recorded.lock().push(request);
    respond(&mut stream, behaviour).await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let (method, target) = (start.next()?.to_string(), start.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

fn respond<'a>(
    stream: &'a mut TcpStream,
    behaviour: Behaviour,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
    Box::pin(async move {
        match behaviour {
            Behaviour::Reply {
                status,
                content_type,
                body,
                extra_headers,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                if let Some(content_type) = content_type {
                    head.push_str(&format!("content-type: {content_type}\r\n"));
                }
                for (name, value) in extra_headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.flush().await;
            }
            Behaviour::Delayed(pause, then) => {
                tokio::time::sleep(pause).await;
                respond(stream, *then).await;
            }
            Behaviour::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Behaviour::ResetMidReply => {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"phoneNumbers\": [")
                    .await;
                let _ = stream.flush().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                // Linger 0 makes the close a RST rather than a FIN.
                let _ = socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO));
            }
            Behaviour::Trickle(interval) => {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n")
                    .await;
                loop {
                    if stream.write_all(b" ").await.is_err() {
                        return;
                    }
                    tokio::time::sleep(interval).await;
                }
            }
            Behaviour::Endless => {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                    .await;
                let chunk = format!("{:x}\r\n{}\r\n", 8192, " ".repeat(8192));
                while stream.write_all(chunk.as_bytes()).await.is_ok() {}
            }
            Behaviour::CloseWithoutSaying(body) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.flush().await;
            }
            Behaviour::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.flush().await;
            }
            // Decided in `serve`; a decider that returns another decider gets a 500.
            Behaviour::Decide(_) => {
                respond(stream, Behaviour::status(500, None, b"nested decider")).await;
            }
        }
    })
}
