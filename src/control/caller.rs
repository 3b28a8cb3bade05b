//! Ends work that nobody waits for any more. actix-web keeps running a handler after its client
//! has hung up, so a fire, replay or probe whose caller went away would carry on (and, before
//! deliveries to the control API were refused, a self-addressed fire went on forever). The
//! server notes each connection's socket ([`on_connect`]); the control scope's middleware
//! [`end_when_caller_leaves`] races every request against the peer closing that socket and drops
//! the work (its outbound connections with it) as soon as the peer is gone.

use std::any::Any;
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Extensions, ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::Error;

/// How often a waiting handler looks at its caller's socket.
const CHECK_EVERY: Duration = Duration::from_millis(100);

/// The raw socket of the connection a request came on. Only read while one of its requests is
/// handled, when the connection (and so the descriptor) is certainly open: the handler's future
/// lives inside the connection's dispatcher.
#[derive(Clone, Copy)]
pub(crate) struct CallerSocket(RawFd);

/// The server's `on_connect` hook: remembers each plain TCP connection's socket.
pub fn on_connect(connection: &dyn Any, data: &mut Extensions) {
    if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
        data.insert(CallerSocket(stream.as_raw_fd()));
    }
}

/// Middleware of the control scope: runs each request to its end, or until its caller closes
/// the connection; then the work (a fire, a replay, a probe and their outbound connections) is
/// dropped and the request is logged as abandoned. Nobody reads the answer, so the 499 it gets
/// is for the logs only.
pub async fn end_when_caller_leaves(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(socket) = req.conn_data::<CallerSocket>().copied() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Not a clone of the request: routing needs it unshared. The path is all the log needs.
    let path = req.path().to_string();
    tokio::select! {
        response = next.call(req) => Ok(response?.map_into_boxed_body()),
        () = gone(socket) => {
            tracing::info!(%path, "the caller went away; its work was abandoned");
            let status = StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST);
            Err(InternalError::new("the caller closed the connection; the work was abandoned", status).into())
        }
    }
}

/// The socket of the connection `req` came on, to watch while a long answer streams (a host
/// page's events): the answer's body lives inside the connection's dispatcher, so the descriptor
/// stays open while the body is polled.
pub(crate) fn socket_of(req: &actix_web::HttpRequest) -> Option<CallerSocket> {
    req.conn_data::<CallerSocket>().copied()
}

/// Resolves once the peer of `socket` has closed the connection.
pub(crate) async fn gone(socket: CallerSocket) {
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        if hung_up(socket) {
            return;
        }
    }
}

/// Has the peer closed (FIN or RST)? A zero-timeout poll: it never blocks, never reads.
fn hung_up(socket: CallerSocket) -> bool {
    let closed = libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR;
    let mut watched = libc::pollfd {
        fd: socket.0,
        events: closed,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout; the descriptor belongs to the connection this
    // request is being handled on, which stays open while the handler runs (see `CallerSocket`).
    let ready = unsafe { libc::poll(&mut watched, 1, 0) };
    ready > 0 && watched.revents & closed != 0
}
