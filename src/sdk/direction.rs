//! Which way a message went between the host page (HubSpot's side) and the app's iframe.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// From the app to HubSpot: what the app's SDK posted to the host page.
    FromApp,
    /// From HubSpot to the app: the page's SYNC, the replies, the commands.
    ToApp,
    /// Not a message: something the page saw (the iframe loaded, the handshake gave up).
    Host,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::FromApp => "fromApp",
            Direction::ToApp => "toApp",
            Direction::Host => "host",
        }
    }
}
