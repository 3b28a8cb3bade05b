//! `POST /_emulator/probe` `{appId, portalId?, userId?, url?, burst?, timeoutMs?}` → the probe
//! report (forged deliveries and the burst, see `probe`); `GET /_emulator/probes[?after=ID][&limit=N]` and
//! `GET /_emulator/probes/{id}` read the probe journal.

use actix_web::{web, HttpResponse};

use super::error::parse_body;
use super::ControlError;
use crate::context::Ctx;
use crate::journal::PageRequest;
use crate::probe::ProbeError;
use crate::probe::{probe_app, ProbeRequest};

pub async fn probe(shared: Ctx, body: web::Bytes) -> Result<HttpResponse, ControlError> {
    let request: ProbeRequest = parse_body(
        &body,
        r#"probe takes {"appId": N, "portalId"?: N, "userId"?: N, "url"?: "…", "burst"?: N, "timeoutMs"?: N}"#,
    )?;
    let report = probe_app(&shared.prober(), request).await?;
    Ok(HttpResponse::Ok().json(report))
}

pub async fn list(shared: Ctx, query: web::Query<PageRequest>) -> HttpResponse {
    HttpResponse::Ok().json(shared.probes.page(*query))
}

pub async fn one(shared: Ctx, id: web::Path<u64>) -> Result<HttpResponse, ControlError> {
    let id = id.into_inner();
    let report = shared.probes.get(id).ok_or(ProbeError::UnknownProbe(id))?;
    Ok(HttpResponse::Ok().json(report))
}
