//! https receivers: a self-signed certificate is refused with a `tls` finding, and accepted once
//! its CA is trusted (`--ca-cert`).

use std::sync::Arc;

use hubspot_emulator::app::{Emulator, EmulatorConfig};
use hubspot_emulator::fixture::loader::parse_fixture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

const OK: &str = r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Secure"}]}"#;

/// An https receiver for `localhost` with a fresh self-signed certificate; returns its URL and
/// the certificate in PEM.
async fn tls_receiver() -> (String, String) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let pem = certified.cert.pem();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(certified.cert.der().to_vec())],
        key,
    )
    .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut buffer = vec![0u8; 8192];
                let _ = tls.read(&mut buffer).await;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{OK}",
                    OK.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://localhost:{port}/numbers"), pem)
}

async fn fire_at(url: &str, ca: Option<&str>) -> serde_json::Value {
    let fixture = parse_fixture(
        "tls test",
        &format!(
            r#"{{"apps": [{{"name": "tls", "appId": 1, "developerApiKey": "k", "clientSecret": "s",
                "channelConnection": {{"url": "{url}", "isReady": true}}}}]}}"#
        ),
    )
    .unwrap();
    let mut config = EmulatorConfig::ephemeral(fixture);
    config.workers = Some(1);
    config.extra_ca_pem = ca.map(|pem| pem.as_bytes().to_vec());
    let emulator = Emulator::bind(config).unwrap();
    let base = emulator.base_url();
    let handle = emulator.handle();
    tokio::spawn(emulator.run());
    let verdict = reqwest::Client::new()
        .post(format!("{base}/_emulator/fire"))
        .json(&serde_json::json!({"appId": 1, "portalId": 1, "userId": 1, "timeoutMs": 5000}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    handle.stop(false).await;
    verdict
}

#[tokio::test]
async fn https_with_a_trusted_ca_passes_and_without_it_fails_clearly() {
    let (url, pem) = tls_receiver().await;
    let trusted = fire_at(&url, Some(&pem)).await;
    assert_eq!(trusted["outcome"], "pass", "{trusted:#}");
    assert_eq!(trusted["picker"][0]["displayedName"], "Secure");

    let untrusted = fire_at(&url, None).await;
    assert_eq!(untrusted["outcome"], "fail");
    let finding = crate::helpers::finding(&untrusted, "tls");
    assert!(
        finding["message"].as_str().unwrap().contains("--ca-cert"),
        "{finding}"
    );
}
