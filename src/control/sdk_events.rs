//! `GET /_emulator/sdk/sessions/{id}/events?ticket=T`: the host page's server-sent events — the
//! commands for the app (`event: command`) and HubSpot's UI actions (`event: action`), a
//! `: keep-alive` comment when idle. A browser's `EventSource` cannot send headers, so the
//! session's ticket is the credential (401 without it, even when the control token is not set);
//! the stream's URL is never logged. While the stream is connected the session is open; when the
//! page goes away (the stream is dropped), the session closes.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::stream;

use super::{caller, ControlError};
use crate::context::Ctx;
use crate::sdk::sessions::Connection;
use crate::sdk::{SdkEvent, Sessions};

pub async fn events(
    shared: Ctx,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ControlError> {
    let ticket = ticket_of(req.query_string()).unwrap_or_default();
    let connection = shared
        .sdk_sessions
        .connect(&id, &ticket)
        .map_err(|refusal| refusal.into_error(&id))?;
    tracing::info!(session = %id, "host page connected its event stream");
    let keep_alive = shared.sdk_sessions.limits().keep_alive;
    let ended = Ended {
        sessions: shared.sdk_sessions.clone(),
        id: id.into_inner(),
        generation: connection.generation,
    };
    // actix notices a page that went away only when a write fails, a keep-alive or two later;
    // the socket is watched so that the session closes at once.
    let gone: Gone = match caller::socket_of(&req) {
        Some(socket) => Box::pin(caller::gone(socket)),
        None => Box::pin(std::future::pending()),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(event_stream(connection, keep_alive, gone, ended)))
}

/// The `ticket` query parameter (hex: nothing to decode).
fn ticket_of(query: &str) -> Option<String> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("ticket="))
        .map(str::to_string)
}

/// Closes the session when the stream is dropped: the page closed it or went away.
struct Ended {
    sessions: Arc<Sessions>,
    id: String,
    generation: u64,
}

impl Drop for Ended {
    fn drop(&mut self) {
        self.sessions.disconnect(&self.id, self.generation);
        tracing::info!(session = %self.id, "host page's event stream ended");
    }
}

/// One server-sent event.
fn frame(event: &SdkEvent) -> Bytes {
    Bytes::from(format!(
        "event: {}\ndata: {}\n\n",
        event.name(),
        event.data()
    ))
}

/// Resolves when the page has closed the connection.
type Gone = Pin<Box<dyn Future<Output = ()>>>;

/// The stream's state between events.
struct Flow {
    opening: Option<Bytes>,
    events: tokio::sync::mpsc::Receiver<SdkEvent>,
    ticks: tokio::time::Interval,
    gone: Gone,
    /// Held for its `Drop`: the session closes with the stream.
    _ended: Ended,
}

fn event_stream(
    connection: Connection,
    keep_alive: Duration,
    gone: Gone,
    ended: Ended,
) -> impl futures_util::Stream<Item = Result<Bytes, std::convert::Infallible>> {
    let flow = Flow {
        // The first bytes go at once, so that the page knows it is connected.
        opening: Some(Bytes::from_static(b": connected\n\n")),
        events: connection.events,
        ticks: tokio::time::interval_at(tokio::time::Instant::now() + keep_alive, keep_alive),
        gone,
        _ended: ended,
    };
    stream::unfold(flow, |mut flow| async move {
        if let Some(opening) = flow.opening.take() {
            return Some((Ok(opening), flow));
        }
        let bytes = tokio::select! {
            // The session closed (or a newer stream replaced this one): the stream ends.
            event = flow.events.recv() => frame(&event?),
            _ = flow.ticks.tick() => Bytes::from_static(b": keep-alive\n\n"),
            () = &mut flow.gone => return None,
        };
        Some((Ok(bytes), flow))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ticket_is_read_from_the_query() {
        assert_eq!(ticket_of("ticket=ab12").as_deref(), Some("ab12"));
        assert_eq!(ticket_of("x=1&ticket=ab12").as_deref(), Some("ab12"));
        assert_eq!(ticket_of("tickets=ab12"), None);
        assert_eq!(ticket_of(""), None);
    }
}
