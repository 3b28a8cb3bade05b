//! Call recordings and third-party transcripts in HubSpot's vocabulary, without HTTP or I/O:
//! the rule for the recording settings' URL (`settings`), what a recording's bytes are
//! (`audio`, read with an audio library), the judge of each step of a playback — the call's
//! properties, the app's authenticated-URL reply, the audio it serves for a range request
//! (`judge`) — and the verdict it comes to (`verdict`), third-party transcripts read and checked
//! against their call (`transcript`), and small real recordings for the demo app and the tests
//! (`sample`). The fetching itself is `playback`'s, beside the webhook's pipeline.

pub mod audio;
pub mod judge;
pub mod ready;
pub mod sample;
pub mod settings;
pub mod transcript;
pub mod verdict;

pub use audio::{AudioInfo, Container};
pub use verdict::{PlaybackVerdict, Step, Trigger};
