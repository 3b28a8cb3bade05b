//! The real binary's `serve` as a child process, its output in files (trace logging is too
//! much for a pipe nobody drains), its base URL read from the first line.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hubspot-emulator");

/// `serve` with stdout and stderr in files, and the base URL from its first line.
pub struct Served {
    pub child: Child,
    pub base: String,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Served {
    pub fn start(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Served {
        let (stdout, stderr) = (dir.join("serve.out"), dir.join("serve.err"));
        let child = Command::new(BIN)
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .envs(envs.iter().copied())
            .env("NO_COLOR", "1")
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let base = loop {
            let text = std::fs::read_to_string(&stdout).unwrap_or_default();
            if let Some(line) = text.lines().next().filter(|_| text.contains('\n')) {
                let start = line.find("http://").expect("a URL on the first line");
                break line[start..].split_whitespace().next().unwrap().to_string();
            }
            assert!(Instant::now() < deadline, "serve printed no ready line");
            std::thread::sleep(Duration::from_millis(20));
        };
        Served {
            child,
            base,
            stdout,
            stderr,
        }
    }

    /// Sends SIGTERM and waits up to `limit` for the exit.
    pub fn terminate(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Stops the server; returns everything it printed.
    pub fn stop(mut self) -> String {
        if self.child.try_wait().unwrap().is_none() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
        }
        let _ = self.child.wait();
        std::fs::read_to_string(&self.stdout).unwrap()
            + &std::fs::read_to_string(&self.stderr).unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
