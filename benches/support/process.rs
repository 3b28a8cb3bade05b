//! The child processes a benchmark starts and measures: `Reaped` ends one (SIGTERM, then
//! SIGKILL) when dropped, even on a panic; `Memory` reads its resident memory from
//! /proc/PID/status.

use std::process::Child;
use std::time::Duration;

/// A child process killed (SIGTERM, then SIGKILL) when dropped, even on a panic.
pub struct Reaped(pub Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.0.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        for _ in 0..50 {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Memory of a process, from /proc/PID/status (kB there, bytes here).
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    pub rss: u64,
    pub anon: u64,
    /// The peak of `rss` (VmHWM).
    pub hwm: u64,
}

/// Reads the memory of `pid`; a process that is gone is a panic that says so.
pub fn memory(pid: u32) -> Memory {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_else(|e| panic!("cannot read /proc/{pid}/status (did the process die?): {e}"));
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    Memory {
        rss: field("VmRSS:"),
        anon: field("RssAnon:"),
        hwm: field("VmHWM:"),
    }
}
