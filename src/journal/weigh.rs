//! What an entry weighs: the bytes the byte budget counts for it.

use serde::Serialize;

/// Roughly how many bytes an entry holds (its strings and buffers): what the budget counts.
pub trait Weigh {
    fn weight(&self) -> usize;
}

/// The weight of anything serializable: the length of its JSON, plus its own size. Strings
/// dominate every journal entry, so this tracks the heap it holds within a small factor.
pub fn json_weight<T: Serialize>(value: &T) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0 + std::mem::size_of::<T>()
}
