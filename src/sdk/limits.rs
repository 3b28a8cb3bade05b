//! How far everything of the hosted widget may grow, and how long HubSpot waits for the app. Every
//! collection the host keeps is bounded here, so a page or an app that misbehaves for hours
//! costs a fixed amount of memory.

use std::time::Duration;

/// Host sessions kept; creating one more closes and forgets the oldest closed one, else the oldest.
pub const MAX_SESSIONS: usize = 64;
/// Calls a session remembers; past this the oldest finished call is forgotten (else the oldest).
pub const MAX_CALLS_PER_SESSION: usize = 32;
/// Session-level findings kept per session (the first ones: they explain the rest).
pub const MAX_SESSION_FINDINGS: usize = 32;
/// The largest message report the control API reads (a `CALL_DATA` may carry anything).
pub const MAX_REPORT_BYTES: usize = 256 * 1024;
/// The most bytes of a message's `data` a journal entry keeps; past it, a preview.
pub const MAX_JOURNALED_DATA_BYTES: usize = 16 * 1024;
/// The deepest `data` a journal entry keeps whole; past it, a preview.
pub const MAX_JOURNALED_DATA_DEPTH: usize = 16;
/// How much of an oversized `data` the preview shows.
pub const DATA_PREVIEW_BYTES: usize = 1024;
/// Events queued for a page that does not read its stream; past this a command is refused.
pub const MAX_QUEUED_EVENTS: usize = 64;
/// SDK messages the journal keeps (within the process's journal byte budget).
pub const SDK_MESSAGE_CAPACITY: usize = 10_000;

/// The time limits HubSpot's side applies, given to the page with each session (`limits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdkLimits {
    /// From the handshake (SYNC_ACK) to the app's INITIALIZED: the calling widget shows the app
    /// as loading until then (the emulator's choice, not a published HubSpot figure).
    pub initialize_within: Duration,
    /// From the iframe's load to SYNC_ACK: the SDK's own `IFrameManager` gives up after 30 s.
    pub sync_ack_within: Duration,
    /// How often an idle event stream sends a comment, so that a proxy keeps it and a page that
    /// went away is noticed.
    pub keep_alive: Duration,
}

impl Default for SdkLimits {
    fn default() -> Self {
        SdkLimits {
            initialize_within: Duration::from_secs(10),
            sync_ack_within: Duration::from_secs(30),
            keep_alive: Duration::from_secs(15),
        }
    }
}
