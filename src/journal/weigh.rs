//! What an entry weighs: the bytes the byte budget counts for it.

use serde::Serialize;

/// Roughly how many bytes an entry holds (its strings and buffers): what the budget counts.
pub trait Weigh {
    fn weight(&self) -> usize;
}

/// The weight of anything serializable: the length of its JSON, plus its own size. Strings
/// dominate every journal entry, so this tracks the heap it holds within a small factor. The
/// JSON is counted, not printed (`json_size`).
pub fn json_weight<T: Serialize>(value: &T) -> usize {
    super::json_size::json_size(value) + std::mem::size_of::<T>()
}

/// A shared entry weighs what it shares: the journal holds one handle, and the entry itself
/// lives as long as the journal keeps it.
impl<T: Weigh> Weigh for std::sync::Arc<T> {
    fn weight(&self) -> usize {
        (**self).weight()
    }
}
